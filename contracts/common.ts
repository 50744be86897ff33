import { Type } from 'typebox';

/** Model names become workflow ids, schedule ids and folder names: no paths, no blanks. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const ModelName = Type.String({
  pattern: MODEL_NAME_PATTERN.source,
  description: '1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
});

/** Absolute path or file:// URI of a CSV with a header row. */
export const DataUri = Type.String({ minLength: 1, description: 'path or file:// URI of a CSV file' });

export const ColumnName = Type.String({ minLength: 1 });
