// Types of runtimes.mjs (plain JavaScript, so that the machine's own Node runs it before any of these).
export declare const RUNTIMES: { lts: string; windows: string; node: Record<string, string>; otherMajors: string[] };
export declare const MAJORS: string[];
export declare function testCacheDir(): string;
export declare function nodeBinary(major?: string, platform?: 'linux' | 'win'): string;
export declare function packagedNode(version: string, platform?: 'linux' | 'win'): string;
export declare function testNode(): string;
