import Papa from 'papaparse';
import type { DataProblem } from '../core/errors';
import { printableExcerpt } from './excerpt';

/** Field separators recognised, in order of preference when two fit the file equally well. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export interface CsvSniff {
  delimiter: Delimiter;
  /** Set when the file is not read at all: it is not a CSV table (binary, or a single column). */
  notCsv?: DataProblem;
  /** Findings about the file's format that make it unfit as it is (decimal commas). */
  problems: DataProblem[];
}

/** Data lines after the header that decide the separator. */
const SNIFF_ROWS = 50;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const INTEGER = /^[+-]?\d+$/;
const DELIMITER_NAMES: Record<Delimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

/**
 * Looks at the start of a file (a BOM already removed) to tell how to read it: which separator its
 * header and first lines share, and whether it is a CSV table at all. A file that is not (binary
 * bytes, or a first line no separator splits: /etc/passwd, an environment dump, a key) is refused
 * without quoting any of it, so a wrong path never copies a file's contents into an error message.
 */
export function sniffCsv(head: string, complete: boolean): CsvSniff {
  if (looksBinary(head)) {
    return {
      delimiter: ',',
      problems: [],
      notCsv: {
        code: 'not-csv',
        message:
          'The file does not look like CSV text: it holds NUL or other control bytes. Pass a comma-, semicolon-, tab- or |-separated text file with a header row.',
      },
    };
  }
  // The last line of a cut-off head may be cut too: leave it out, unless it is the header itself.
  const lastBreak = head.lastIndexOf('\n');
  const text = complete || lastBreak < 0 ? head : head.slice(0, lastBreak);
  const best = bestDelimiter(text);
  if (best === null) {
    if (text.trim() === '') return { delimiter: ',', problems: [] }; // empty: the reader says so
    return {
      delimiter: ',',
      problems: [],
      notCsv: {
        code: 'not-csv',
        message:
          (lastBreak < 0 && !complete
            ? `The file's first ${Math.round(head.length / 1024)} KiB hold no line break and no comma, semicolon, tab or '|': that is no CSV header row. `
            : "The header row has a single column: no comma, semicolon, tab or '|' separates column names in it. ") +
          'A training file is a CSV table with a target column and at least one feature column; check that this is the file you meant.',
      },
    };
  }
  return { delimiter: best.delimiter, problems: decimalCommaProblems(best) };
}

function looksBinary(head: string): boolean {
  // Tabs, line breaks and form feeds occur in text; other C0 controls (NUL above all) do not.
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000e-\u001f]/.test(head);
}

interface Candidate {
  delimiter: Delimiter;
  header: string[];
  rows: string[][];
  /** Data rows with as many fields as the header. */
  fitting: number;
}

/** The separator that splits the header into most columns and the most data rows alike. */
function bestDelimiter(text: string): Candidate | null {
  let best: Candidate | null = null;
  for (const delimiter of DELIMITERS) {
    const parsed = Papa.parse<string[]>(text, { delimiter, preview: SNIFF_ROWS + 1, skipEmptyLines: 'greedy' });
    const [header, ...rows] = parsed.data;
    if (!header || header.length < 2) continue;
    const fitting = rows.filter((row) => row.length === header.length).length;
    const candidate = { delimiter, header, rows, fitting };
    if (best === null || better(candidate, best)) best = candidate;
  }
  return best;
}

function better(a: Candidate, b: Candidate): boolean {
  if (a.fitting !== b.fitting) return a.fitting > b.fitting;
  return a.header.length > b.header.length;
}

/**
 * Semicolon-separated files usually come from spreadsheets that write decimal commas ('29,85'), which
 * would be read as text categories, one level per amount. Said plainly instead.
 */
function decimalCommaProblems({ delimiter, header, rows }: Candidate): DataProblem[] {
  if (delimiter === ',') return [];
  const problems: DataProblem[] = [];
  header.forEach((rawName, i) => {
    const values = rows.map((row) => (row[i] ?? '').trim()).filter((value) => value !== '');
    const example = values.find((value) => DECIMAL_COMMA.test(value));
    if (example === undefined || !values.every((value) => DECIMAL_COMMA.test(value) || INTEGER.test(value))) return;
    const column = printableExcerpt(rawName.trim(), 100);
    problems.push({
      code: 'decimal-comma',
      column,
      message:
        `Column '${column}' holds numbers with decimal commas ('${printableExcerpt(example, 20)}') in this ` +
        `${DELIMITER_NAMES[delimiter]}-separated file; they would be read as text. Save the file with '.' as the decimal separator.`,
    });
  });
  return problems;
}

export function delimiterName(delimiter: Delimiter): string {
  return DELIMITER_NAMES[delimiter];
}
