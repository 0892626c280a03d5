export * from "./federation.js";
export * from "./fedify.js";
export * from "./node.js";
export * from "./community.js";
