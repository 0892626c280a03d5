export * from "./fedify.js";
