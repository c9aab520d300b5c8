/** Types for eslint.config.js, whose list of libraries banned from the workflow bundle the tests reuse. */
export declare const heavyLibraries: readonly string[];
declare const config: unknown;
export default config;
