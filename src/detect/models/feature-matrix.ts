/**
 * Numeric rows for the anomaly models: `rows` × `cols` values, row-major in one typed array.
 * One flat array instead of an array of arrays keeps a million-row training set at 100–200 MB
 * and lets a row be read without touching another object.
 *
 * @example
 * const m = matrixFromRows([[1, 2], [3, 4]]); // { rows: 2, cols: 2, data: Float64Array [1, 2, 3, 4] }
 * m.data[1 * m.cols + 0]; // 3: row 1, column 0
 */
export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  /** `rows * cols` values; value (r, c) is at `r * cols + c`. */
  readonly data: Float32Array | Float64Array;
}

/**
 * A matrix from plain rows (tests, small data sets).
 * @throws when the rows do not all have the same length, or there are none.
 */
export function matrixFromRows(rows: readonly (readonly number[])[]): FeatureMatrix {
  const cols = rows[0]?.length ?? 0;
  if (rows.length === 0 || cols === 0) throw new Error('matrixFromRows: no rows or no columns');
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, r) => {
    if (row.length !== cols)
      throw new Error(`matrixFromRows: row ${r} has ${row.length} values, row 0 has ${cols}`);
    data.set(row, r * cols);
  });
  return { rows: rows.length, cols, data };
}

/** Checks the shape of a matrix against its data. @throws with what is wrong. */
export function assertMatrixShape(matrix: FeatureMatrix): void {
  const { rows, cols, data } = matrix;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new Error(`feature matrix: rows (${rows}) and cols (${cols}) must be positive integers`);
  }
  if (data.length !== rows * cols) {
    throw new Error(`feature matrix: data has ${data.length} values, rows × cols is ${rows * cols}`);
  }
}
