export * from "./federation.js";
export * from "./fedify.js";
export * from "./node.js";
export * from "./transport.js";
export * from "./supply.js";
export * from "./community.js";
export * from "./exchange.js";
