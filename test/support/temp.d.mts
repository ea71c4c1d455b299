export interface TempPath {
  path: string;
  cleanup(): void;
}
export declare function tempDir(prefix?: string): TempPath;
export declare function tempDbPath(name?: string): TempPath;
