export declare const BUILD_STAMP: string;
export declare function chooseEntry(entry: string, newestSourceMs: number, builtAtMs: number | undefined): { runtime: "dist" | "tsx"; file: string };
export declare function newestMtime(dir: string): number;
