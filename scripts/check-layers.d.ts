// Types of check-layers.js for the tests that import it.
export interface LayerRow {
  layer: string;
  path: string;
}
export interface AllowRow {
  from: string | string[];
  to: string[];
  lazy?: string[];
  packages: '*' | string[];
  why: string;
}
export interface Problem {
  file: string;
  line: number;
  specifier: string;
  rule: string;
}
export interface Imported {
  specifier: string;
  line: number;
  kind: 'static' | 'type' | 'dynamic';
}
export const LAYERS: LayerRow[];
export const ALLOW: AllowRow[];
export const PACKAGE_LIMITS: Array<{ packages: string[]; only: string[]; why: string }>;
export function sourceFiles(dir: string): string[];
export function importsOf(file: string): Imported[];
export function resolveImport(fromFile: string, specifier: string): { file?: string; package?: string; unresolved?: string };
export function layerOf(srcDir: string, file: string): string | undefined;
export function checkLayers(srcDir: string): Problem[];
export function staticGraph(entry: string): { files: Set<string>; packages: Set<string> };
