import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { DETECTOR_TITLES, DETECTORS } from '../evaluate-dataset.js';
import { estimateTextWidth } from './estimate-text-width.js';
import {
  type CurvePoint,
  type DetectorFigures,
  HISTOGRAM_BINS,
  LOW_FPR_MAX,
  type PopulationFigures,
  REPORT_FPR,
} from './evaluation-figures.js';

const TITLES = DETECTORS.map((d) => DETECTOR_TITLES[d]);
/** One colour per detector, the same in every chart; the final ensemble is the dark one. */
const COLOURS = ['#e8a33d', '#4e9ad1', '#7bb662', '#a86fc4', '#1f2937'];
const WIDTH = 290;
const HEIGHT = 230;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

const detectorColour = {
  field: 'detector',
  type: 'nominal',
  title: null,
  scale: { domain: TITLES, range: COLOURS },
  sort: TITLES,
} as const;

const baseConfig = {
  font: FONT,
  view: { stroke: '#d0d5dd' },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#eef0f3' },
  legend: {
    labelFontSize: 11,
    orient: 'bottom',
    direction: 'vertical',
    symbolType: 'stroke',
    labelLimit: 220,
  },
  title: { fontSize: 13, anchor: 'start' },
} as const;

/**
 * Renders a Vega-Lite spec to an SVG string in Node, with no browser and nothing fetched: the
 * data is inline, so the SVG can go straight into a self-contained page.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  measureTextByEstimate();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The text item fields vega passes to `textMetrics.width`. */
interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

/**
 * Replaces vega's text measure (exported by vega-scenegraph, not typed) with a glyph-table
 * estimate: vega lays charts out from text widths and, with no canvas in Node, guesses far too
 * wide (see estimate-text-width.ts). vl-convert does the same. Idempotent.
 */
function measureTextByEstimate(): void {
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } })
    .textMetrics;
  metrics.width = (item, text) => {
    const value = text ?? item.text;
    const lines = Array.isArray(value) ? value : [value];
    const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    let width = 0;
    for (const line of lines) {
      width = Math.max(
        width,
        estimateTextWidth(line == null ? '' : String(line).trim(), item.fontSize ?? 11, bold),
      );
    }
    // A label longer than its limit is drawn truncated to it, with an ellipsis.
    return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
}

function curveRows(
  pop: PopulationFigures,
  pick: (f: DetectorFigures) => CurvePoint[],
): { detector: string; x: number; y: number; order: number }[] {
  return DETECTORS.flatMap((d) =>
    pick(pop.detectors[d]).map((p, order) => ({ detector: DETECTOR_TITLES[d], x: p.x, y: p.y, order })),
  );
}

/** ROC curves of every detector; `lowFpr` zooms on the left edge, where the operating points are. */
export function rocChartSpec(pop: PopulationFigures, title: string, lowFpr: boolean): TopLevelSpec {
  const xMax = lowFpr ? LOW_FPR_MAX : 1;
  const reference = lowFpr
    ? {
        data: { values: [{ x: REPORT_FPR }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#98a2b3' },
        encoding: { x: { field: 'x', type: 'quantitative' } },
      }
    : {
        data: {
          values: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 3], color: '#98a2b3', strokeWidth: 1 },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      };
  return {
    width: WIDTH,
    height: HEIGHT,
    title,
    config: baseConfig,
    layer: [
      reference,
      {
        data: { values: curveRows(pop, (f) => (lowFpr ? f.rocLowFpr : f.roc)) },
        mark: { type: 'line', clip: true, strokeWidth: 1.8, interpolate: 'linear' },
        encoding: {
          x: {
            field: 'x',
            type: 'quantitative',
            title: 'false-positive rate (benign flagged)',
            scale: { domain: [0, xMax] },
            axis: lowFpr
              ? { format: '.0%', values: [0, 0.01, 0.02, 0.03, 0.04, 0.05] }
              : { format: '.1f', tickCount: 5 },
          },
          y: {
            field: 'y',
            type: 'quantitative',
            title: 'true-positive rate (attacks caught)',
            scale: { domain: [0, 1] },
          },
          color: detectorColour,
          order: { field: 'order', type: 'quantitative' },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Precision–recall curves of every detector (steps, as average precision counts them). */
export function prChartSpec(pop: PopulationFigures, title: string): TopLevelSpec {
  return {
    width: WIDTH,
    height: HEIGHT,
    title,
    config: baseConfig,
    data: { values: curveRows(pop, (f) => f.pr) },
    mark: { type: 'line', clip: true, strokeWidth: 1.8, interpolate: 'step-before' },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: 'recall (attacks caught)',
        scale: { domain: [0, 1] },
        axis: { tickCount: 5 },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: 'precision (flagged that are attacks)',
        scale: { domain: [0, 1] },
      },
      color: detectorColour,
      order: { field: 'order', type: 'quantitative' },
    },
  } as TopLevelSpec;
}

/**
 * Score histograms, benign vs attack, one panel per detector. Bars are each class's share of its
 * own logins (benign outnumber attacks by 1,000 to 1), on a square-root axis so that a few
 * percent still shows next to a bin holding most of a class.
 */
export function histogramChartSpec(pop: PopulationFigures, title: string): TopLevelSpec {
  const values: { detector: string; cls: string; from: number; to: number; share: number }[] = [];
  for (const d of DETECTORS) {
    const h = pop.detectors[d].histogram;
    for (const [cls, counts, total] of [
      ['benign', h.benign, pop.benign],
      ['attack', h.attack, pop.attack],
    ] as const) {
      counts.forEach((n, bin) => {
        values.push({
          detector: DETECTOR_TITLES[d],
          cls,
          from: bin / HISTOGRAM_BINS,
          to: (bin + 1) / HISTOGRAM_BINS,
          share: total > 0 ? n / total : 0,
        });
      });
    }
  }
  return {
    title,
    config: {
      ...baseConfig,
      legend: { ...baseConfig.legend, direction: 'horizontal', symbolType: 'square' },
    },
    data: { values },
    facet: { field: 'detector', type: 'nominal', title: null, sort: TITLES, header: { labelFontSize: 12 } },
    columns: 5,
    spec: {
      width: 150,
      height: 130,
      mark: { type: 'bar', opacity: 0.6, binSpacing: 0 },
      encoding: {
        x: {
          field: 'from',
          type: 'quantitative',
          bin: { binned: true, step: 1 / HISTOGRAM_BINS },
          title: 'score',
          scale: { domain: [0, 1] },
          axis: { values: [0, 0.5, 1] },
        },
        x2: { field: 'to' },
        y: {
          field: 'share',
          type: 'quantitative',
          stack: null,
          title: 'share of the class',
          scale: { type: 'sqrt', domain: [0, 1] },
          axis: { format: '.0%', values: [0, 0.01, 0.05, 0.2, 0.5, 1] },
        },
        color: {
          field: 'cls',
          type: 'nominal',
          title: null,
          scale: { domain: ['benign', 'attack'], range: ['#4e9ad1', '#d9480f'] },
        },
      },
    },
  } as TopLevelSpec;
}
