// The wasm module Emscripten writes next to the page (gpumem.mjs): its factory.
declare module "*/gpumem.mjs" {
  const createGpumem: (options: object) => Promise<any>;
  export default createGpumem;
}
