import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { csvHeader, toCsvRow, toJsonLine } from '../event/write-events.js';
import type { DatasetRecord } from './dataset-record.js';

/** The two file formats (docs/event-format.md). */
export type DatasetFormat = 'jsonl' | 'csv';

/** Where and how to write. */
export interface WriteDatasetOptions {
  /** A file path (gzip-compressed when it ends in `.gz`), or `-` for standard output. */
  out: string;
  /** Default: from the file name (`.csv`, `.csv.gz` → csv), else jsonl. */
  format?: DatasetFormat;
  /** Called for every record written (counting, progress). */
  onRecord?: (record: DatasetRecord) => void;
  /** Where `-` writes; standard output by default (tests pass their own stream). */
  stdout?: Writable;
}

/** Bytes of text gathered before handing a chunk to the stream: few, large writes. */
const CHUNK_CHARS = 1 << 18;

/** The format a path implies. */
export function formatFromPath(path: string): DatasetFormat {
  return /\.csv(\.gz)?$/i.test(path) ? 'csv' : 'jsonl';
}

/**
 * Streams records to a file or stdout as JSONL or CSV (through the project's writers), gzipped
 * when the path ends in `.gz`. Backpressure is honoured, so memory stays flat whatever the size;
 * the bytes depend only on the records, so the same dataset gives the same file.
 *
 * @example
 * await writeDataset(generateDataset({ users: 100, days: 7, seed: 1 }).records, { out: 'logins.csv.gz' });
 */
export async function writeDataset(
  records: Iterable<DatasetRecord>,
  options: WriteDatasetOptions,
): Promise<void> {
  const format = options.format ?? formatFromPath(options.out);
  const line = format === 'csv' ? toCsvRow : toJsonLine;
  const onRecord = options.onRecord;

  function* chunks(): Generator<string> {
    let chunk = format === 'csv' ? csvHeader() : '';
    for (const record of records) {
      onRecord?.(record);
      chunk += line(record as unknown as Record<string, unknown>);
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk.length > 0) yield chunk;
  }

  const source = Readable.from(chunks(), { objectMode: false });
  if (options.out === '-') {
    const stdout = options.stdout ?? process.stdout;
    try {
      await pipeline(source, stdout, { end: false });
    } catch (error) {
      // A closed pipe (`generate --out - | head`) is the reader saying "enough", not a failure.
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
    }
    return;
  }
  const file = createWriteStream(options.out);
  if (/\.gz$/i.test(options.out)) await pipeline(source, createGzip(), file);
  else await pipeline(source, file);
}
