/**
 * For --debug: where a stack frame of one of stsenv's bundles is in stsenv's
 * sources. The build minifies the bundles' names (smaller code caches and a
 * quicker start: build/bundles.mjs), so a frame names a function `a` at a
 * column of a long line; it writes a source map beside each bundle
 * (NAME.cjs.map, positions and names, no source text), and this puts the
 * source file and line into the frame:
 *
 *   at a [src/engine/plan.ts:120:5] (/usr/lib/node_modules/stsenv/dist/main.cjs:52:1234)
 *
 * Read only when --debug prints a stack; a bundle without a map (a vendor
 * bundle, a build from before) keeps its frames as they are.
 */
import { Module, SourceMap, type SourceMapPayload } from 'node:module';
import { basename, sep } from 'node:path';
import { readBuilt } from './built-files.js';

/** A frame's location: `at NAME (FILE:LINE:COLUMN)` or `at FILE:LINE:COLUMN`. */
const FRAME = /^(\s+at )(?:(.*) \()?(.+\.cjs):(\d+):(\d+)\)?$/;

/** The bundles the loader reads are stored wrapped (build/bundles.mjs), which moves their first line; the bin is not. */
const WRAPPED_FIRST_LINE = Module.wrap('\0').indexOf('\0');

const maps = new Map<string, SourceMap | undefined>();

function mapOf(file: string): SourceMap | undefined {
  if (!maps.has(file)) {
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(readBuilt(`${file}.map`, 'utf8')) as SourceMapPayload);
    } catch {
      // No map beside it (not ours, or built without): the frame stays as it is.
    }
    maps.set(file, map);
  }
  return maps.get(file);
}

/** A source path as a map names it (relative to the map, ../src/...): from the repository's root. */
function sourcePath(fileName: string): string {
  return fileName.replace(/^file:\/\//, '').replace(/^(?:\.\.[\\/])+/, '');
}

/** The frame with its source position, when `dist` (the installed dist folder) holds its bundle and a map. */
export function withSource(frame: string, dist: string): string {
  const match = FRAME.exec(frame);
  if (!match) return frame;
  const [, at, name, file, lineText, columnText] = match;
  if (!file!.startsWith(`${dist}${sep}`) && !file!.startsWith(`${dist}/`)) return frame;
  const map = mapOf(file!);
  if (!map) return frame;
  const line = Number(lineText);
  const column = Number(columnText) - (line === 1 && basename(file!) !== 'stsenv.cjs' ? WRAPPED_FIRST_LINE : 0);
  const origin = map.findOrigin(line, column);
  if (!('fileName' in origin)) return frame;
  const source = `[${sourcePath(origin.fileName)}:${origin.lineNumber}:${origin.columnNumber}]`;
  return `${at}${name ?? '<anonymous>'} ${source} (${file}:${lineText}:${columnText})`;
}
