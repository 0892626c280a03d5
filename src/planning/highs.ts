/** One HiGHS runtime per process: loading compiles the WASM, which is worth doing once. */
import highsModule, { type Highs } from "highs";

// The package's types describe CommonJS (loader on `.default`) while Node's ESM
// entry exports the loader itself; accept either shape.
type Loader = (typeof highsModule)["default"];
const loader: Loader =
  typeof highsModule === "function" ? (highsModule as unknown as Loader) : (highsModule as { default: Loader }).default;

let runtime: Promise<Highs> | undefined;

export function getHighs(): Promise<Highs> {
  runtime ??= loader();
  return runtime;
}
