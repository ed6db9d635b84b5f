// Tabnode app SDK (AssemblyScript), over host ABI v1 (docs/abi.md).
export { log, panic } from "./host";
export * from "./json";
export { State } from "./state";
export { Private } from "./private";
export { input, inputText, executor, contextId, returnJson, returnText, emit, emitBytes } from "./call";
export { Methods, ABI_VERSION } from "./methods";
