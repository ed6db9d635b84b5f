// Types for scripts/build-contracts.mjs (plain ESM, run by the build scripts).
export declare const REGISTRY_SOURCE: string;
export declare const REGISTRY_ARTIFACT: string;
export declare class ContractCompileError extends Error {}
export declare function registryInputHash(): string;
export declare function compileRegistryArtifact(): string;
export declare function committedInputHash(): string | undefined;
export declare function buildContracts(): boolean;
