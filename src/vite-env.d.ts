/// <reference types="vite/client" />

/** True only in test builds (`vite --mode test`); see vite.config.ts. */
declare const __CAPGRAD_TEST__: boolean;
