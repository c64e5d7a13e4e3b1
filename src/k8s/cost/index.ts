export * from "./coefficients.js";
export * from "./request-cost.js";
