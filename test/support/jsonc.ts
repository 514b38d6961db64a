/**
 * Reads JSON with // and /* *\/ comments and trailing commas (the case-file format of ORT's test/data/ops/*.jsonc;
 * prettier writes trailing commas into .jsonc).
 */
import { readFileSync } from 'node:fs';

export function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
    } else out += c;
  }
  return out;
}

export function readJsonc<T>(path: string): T {
  const text = stripJsonComments(readFileSync(path, 'utf8'));
  // Trailing commas, outside strings (case names never contain ",}" or ",]").
  return JSON.parse(text.replace(/,(\s*[}\]])/g, '$1')) as T;
}
