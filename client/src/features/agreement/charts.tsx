/**
 * Agreement charts as hand-written SVG: alpha per code with interval whiskers, the coder-pair
 * heatmap, and alpha per code across calibration rounds with interval bands. Every colour is an
 * attribute (no stylesheet), so the same components render on the page and, through
 * renderToStaticMarkup, in the standalone HTML report. Each chart names itself (title and desc),
 * labels its axes, draws Krippendorff's .667 and .800 lines, and puts the value and the verdict's
 * icon in text beside every mark, so colour is never the only signal; the tables next to the
 * charts carry the same numbers for screen readers and copying.
 */
import { type ReactNode, useId } from 'react';
import { alphaThresholds, type VerdictLevel } from '../../../../shared/agreement/verdict';
import { formatStatistic, verdictFor } from './reading';

/** Verdict fills with at least 3:1 contrast to white, and the darker ink for text on light cells. */
export const verdictColours: Record<VerdictLevel, { fill: string; ink: string; light: string }> = {
  reliable: { fill: '#2e7d32', ink: '#1e5e25', light: '#e6f4ea' },
  tentative: { fill: '#b26a00', ink: '#7a4a00', light: '#fff3dc' },
  unreliable: { fill: '#b3261e', ink: '#9c2119', light: '#fdecea' },
  undefined: { fill: '#8a93a6', ink: '#4a5468', light: '#eef0f4' },
};

const ink = '#1d2433';
const softInk = '#4a5468';
const gridLine = '#e2e5ec';
const font = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';

export interface AlphaBar {
  id: string;
  name: string;
  alpha: number | null | undefined;
  interval?: { lower: number; upper: number } | null;
}

/** The alpha axis: from 0 (or the lowest value, to the tenth below) to 1. */
function alphaDomain(values: readonly (number | null | undefined)[]): [number, number] {
  const finite = values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  const lowest = Math.min(0, ...finite);
  return [Math.max(-1, Math.floor(lowest * 10) / 10), 1];
}

function ticksOf([low, high]: [number, number]): number[] {
  const step = high - low > 1.2 ? 0.5 : 0.2;
  const ticks: number[] = [];
  for (let tick = Math.ceil(low / step) * step; tick <= high + 1e-9; tick += step) ticks.push(Math.round(tick * 10) / 10);
  return ticks;
}

const thresholdLines = [
  { value: alphaThresholds.tentative, label: '.667' },
  { value: alphaThresholds.reliable, label: '.800' },
];

/** Long names are shortened in the chart (the table beside it has them in full). */
/** An axis tick as short as it reads: .2, .4, 1 (no trailing zeros), and 0 itself. */
const tickLabel = (tick: number) => formatStatistic(tick).replace(/\.?0+$/, '') || '0';

/**
 * The SVG shell of the bar and line charts: full width up to their own, an image for assistive
 * technology, named and described by the chart's title and description.
 */
function ChartFrame({
  width,
  height,
  title,
  description,
  testId,
  children,
}: {
  width: number;
  height: number;
  title: string;
  description: string;
  testId: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      style={{ maxWidth: width }}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      className="agreement-chart"
      fontFamily={font}
      fontSize={12}
      data-testid={testId}
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{description}</desc>
      {children}
    </svg>
  );
}

function clip(text: string, characters: number): string {
  return text.length <= characters ? text : `${text.slice(0, characters - 1)}…`;
}

/**
 * Horizontal bars: one per code, alpha from 0, its 95% interval as a whisker, the thresholds as
 * dashed lines. A bar without an interval has no whisker; `axisLabel` names the statistic (and says
 * when it has no interval at all).
 */
export function AlphaBarChart({ bars, title, description, axisLabel }: { bars: readonly AlphaBar[]; title: string; description: string; axisLabel: string }) {
  const labelWidth = 190;
  const valueWidth = 84;
  const width = 760;
  const plotLeft = labelWidth;
  const plotRight = width - valueWidth;
  const rowHeight = 28;
  const top = 30;
  const height = top + bars.length * rowHeight + 46;
  const domain = alphaDomain(bars.flatMap((bar) => [bar.alpha, bar.interval?.lower]));
  const x = (value: number) => plotLeft + ((value - domain[0]) / (domain[1] - domain[0])) * (plotRight - plotLeft);
  const zero = x(0);
  const bottom = top + bars.length * rowHeight;
  return (
    <ChartFrame width={width} height={height} title={title} description={description} testId="alpha-bar-chart">
      {ticksOf(domain).map((tick) => (
        <g key={tick}>
          <line x1={x(tick)} x2={x(tick)} y1={top - 4} y2={bottom} stroke={gridLine} />
          <text x={x(tick)} y={bottom + 16} textAnchor="middle" fill={softInk}>
            {tickLabel(tick)}
          </text>
        </g>
      ))}
      {thresholdLines.map((line) => (
        <g key={line.label}>
          <line x1={x(line.value)} x2={x(line.value)} y1={top - 8} y2={bottom} stroke={ink} strokeDasharray="5 4" strokeWidth={1.2} />
          <text x={x(line.value)} y={top - 12} textAnchor="middle" fill={ink} fontWeight={600}>
            {line.label}
          </text>
        </g>
      ))}
      <line x1={zero} x2={zero} y1={top - 4} y2={bottom} stroke={softInk} />
      {bars.map((bar, row) => {
        const y = top + row * rowHeight;
        const middle = y + rowHeight / 2;
        const verdict = verdictFor(bar.alpha);
        const colours = verdictColours[verdict.level];
        const defined = verdict.level !== 'undefined' && typeof bar.alpha === 'number';
        const end = defined ? x(bar.alpha as number) : zero;
        return (
          <g key={bar.id} data-code-id={bar.id}>
            <text x={labelWidth - 10} y={middle + 4} textAnchor="end" fill={ink}>
              {clip(bar.name, 26)}
            </text>
            {defined ? (
              <rect x={Math.min(zero, end)} y={y + 6} width={Math.max(1, Math.abs(end - zero))} height={rowHeight - 12} fill={colours.fill} rx={2} />
            ) : (
              <text x={zero + 6} y={middle + 4} fill={softInk} fontStyle="italic">
                undefined
              </text>
            )}
            {bar.interval && defined && (
              <g stroke={ink} strokeWidth={1.4}>
                <line x1={x(bar.interval.lower)} x2={x(bar.interval.upper)} y1={middle} y2={middle} />
                <line x1={x(bar.interval.lower)} x2={x(bar.interval.lower)} y1={middle - 6} y2={middle + 6} />
                <line x1={x(bar.interval.upper)} x2={x(bar.interval.upper)} y1={middle - 6} y2={middle + 6} />
              </g>
            )}
            <text x={plotRight + 8} y={middle + 4} fill={colours.ink} fontWeight={600}>
              {defined ? `${formatStatistic(bar.alpha)} ${verdict.icon}` : '—'}
            </text>
          </g>
        );
      })}
      <text x={(plotLeft + plotRight) / 2} y={height - 8} textAnchor="middle" fill={ink}>
        {axisLabel}
        {bars.some((bar) => bar.interval) ? ', whiskers: 95% bootstrap interval' : ''}
      </text>
    </ChartFrame>
  );
}

export interface HeatmapPair {
  coders: readonly [string, string];
  alpha: number | null | undefined;
  percentAgreement?: number | null;
}

/**
 * A sequential fill for alpha from unreliable (light) to perfect (dark blue), one hue so it reads in
 * greyscale and for colour-blind readers; the text in each cell carries the number and the verdict.
 */
function heatFill(alpha: number | null | undefined): {
  fill: string;
  text: string;
} {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) return { fill: '#eef0f4', text: softInk };
  const share = Math.min(1, Math.max(0, alpha));
  const light = [232, 238, 246];
  const dark = [31, 58, 95];
  const mix = light.map((channel, index) => Math.round(channel + (dark[index] - channel) * share));
  return {
    fill: `rgb(${mix.join(',')})`,
    text: share > 0.55 ? '#ffffff' : ink,
  };
}

/** Coders × coders, each cell the pair's alpha over all codes, the verdict icon beside it. */
export function CoderPairHeatmap({
  coders,
  pairs,
  title,
}: {
  coders: readonly { id: string; name: string }[];
  pairs: readonly HeatmapPair[];
  title: string;
}) {
  const id = useId();
  const label = 130;
  const cell = Math.max(64, Math.min(110, 560 / Math.max(1, coders.length)));
  const width = label + coders.length * cell + 10;
  const top = 30;
  const height = top + coders.length * cell + 10;
  const pairOf = (a: string, b: string) =>
    pairs.find((pair) => (pair.coders[0] === a && pair.coders[1] === b) || (pair.coders[0] === b && pair.coders[1] === a));
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      width={Math.min(width, 720)}
      role="img"
      aria-labelledby={`${id}-title`}
      className="agreement-chart agreement-heatmap"
      fontFamily={font}
      fontSize={12}
      data-testid="pair-heatmap"
    >
      <title id={`${id}-title`}>{title}</title>
      {coders.map((coder, column) => (
        <text key={coder.id} x={label + column * cell + cell / 2} y={top - 8} textAnchor="middle" fill={ink} fontWeight={600}>
          {clip(coder.name, 14)}
        </text>
      ))}
      {coders.map((row, rowIndex) => (
        <g key={row.id}>
          <text x={label - 8} y={top + rowIndex * cell + cell / 2 + 4} textAnchor="end" fill={ink} fontWeight={600}>
            {clip(row.name, 18)}
          </text>
          {coders.map((column, columnIndex) => {
            const x = label + columnIndex * cell;
            const y = top + rowIndex * cell;
            if (row.id === column.id)
              return <rect key={column.id} x={x + 1} y={y + 1} width={cell - 2} height={cell - 2} fill="#ffffff" stroke={gridLine} />;
            const pair = pairOf(row.id, column.id);
            const colours = heatFill(pair?.alpha);
            const verdict = verdictFor(pair?.alpha);
            return (
              <g key={column.id} data-pair={`${row.id}|${column.id}`}>
                <rect x={x + 1} y={y + 1} width={cell - 2} height={cell - 2} fill={colours.fill} rx={4} />
                <text x={x + cell / 2} y={y + cell / 2} textAnchor="middle" fill={colours.text} fontWeight={700} fontSize={14}>
                  {formatStatistic(pair?.alpha)} {verdict.icon}
                </text>
                {typeof pair?.percentAgreement === 'number' && (
                  <text x={x + cell / 2} y={y + cell / 2 + 17} textAnchor="middle" fill={colours.text}>
                    {(pair.percentAgreement * 100).toFixed(0)}% agree
                  </text>
                )}
              </g>
            );
          })}
        </g>
      ))}
    </svg>
  );
}

export interface HistorySeries {
  id: string;
  name: string;
  colour: string;
  /** One value per round, in the chart's round order; null where the round left the code out or alpha is undefined. */
  points: ({
    alpha: number | null;
    interval: { lower: number; upper: number } | null;
  } | null)[];
}

/** Marker shapes by series, so lines are told apart without their colour. */
const markers = ['circle', 'square', 'triangle', 'diamond'] as const;

function Marker({ shape, x, y, colour }: { shape: (typeof markers)[number]; x: number; y: number; colour: string }) {
  const r = 4.5;
  if (shape === 'circle') return <circle cx={x} cy={y} r={r} fill={colour} stroke="#ffffff" />;
  if (shape === 'square') return <rect x={x - r} y={y - r} width={2 * r} height={2 * r} fill={colour} stroke="#ffffff" />;
  if (shape === 'triangle')
    return <polygon points={`${x},${y - r - 1} ${x + r + 1},${y + r} ${x - r - 1},${y + r}`} fill={colour} stroke="#ffffff" />;
  return <polygon points={`${x},${y - r - 1} ${x + r + 1},${y} ${x},${y + r + 1} ${x - r - 1},${y}`} fill={colour} stroke="#ffffff" />;
}

export function markerName(index: number): string {
  return markers[index % markers.length];
}

/** Alpha per code across rounds: a line per code, its interval as a translucent band, the thresholds dashed. */
export function RoundHistoryChart({
  rounds,
  series,
  title,
  description,
}: {
  rounds: readonly string[];
  series: readonly HistorySeries[];
  title: string;
  description: string;
}) {
  const width = 760;
  const height = 320;
  const left = 56;
  const right = width - 150;
  const top = 20;
  const bottom = height - 56;
  const domain = alphaDomain(series.flatMap((line) => line.points.flatMap((point) => [point?.alpha, point?.interval?.lower])));
  const x = (index: number) => (rounds.length <= 1 ? (left + right) / 2 : left + (index / (rounds.length - 1)) * (right - left));
  const y = (value: number) => bottom - ((value - domain[0]) / (domain[1] - domain[0])) * (bottom - top);
  // End labels sit at their line's last value, pushed apart so close values stay readable.
  const labelY = new Map<string, number>();
  const ends = series
    .map((line) => ({ id: line.id, alpha: [...line.points].reverse().find((point) => typeof point?.alpha === 'number')?.alpha }))
    .filter((end): end is { id: string; alpha: number } => typeof end.alpha === 'number')
    .sort((a, b) => b.alpha - a.alpha);
  let previous = Number.NEGATIVE_INFINITY;
  for (const end of ends) {
    previous = Math.max(y(end.alpha) + 4, previous + 14);
    labelY.set(end.id, previous);
  }
  return (
    <ChartFrame width={width} height={height} title={title} description={description} testId="round-history-chart">
      {ticksOf(domain).map((tick) => (
        <g key={tick}>
          <line x1={left} x2={right} y1={y(tick)} y2={y(tick)} stroke={gridLine} />
          <text x={left - 8} y={y(tick) + 4} textAnchor="end" fill={softInk}>
            {tickLabel(tick)}
          </text>
        </g>
      ))}
      {thresholdLines.map((line) => (
        <g key={line.label}>
          <line x1={left} x2={right} y1={y(line.value)} y2={y(line.value)} stroke={ink} strokeDasharray="5 4" strokeWidth={1.2} />
          <text x={left + 4} y={y(line.value) - 4} fill={ink} fontWeight={600}>
            {line.label}
          </text>
        </g>
      ))}
      {rounds.map((round, index) => (
        <text key={round} x={x(index)} y={bottom + 18} textAnchor="middle" fill={ink}>
          {clip(round, 18)}
        </text>
      ))}
      <text x={(left + right) / 2} y={height - 8} textAnchor="middle" fill={ink}>
        Calibration round
      </text>
      <text x={14} y={(top + bottom) / 2} textAnchor="middle" fill={ink} transform={`rotate(-90 14 ${(top + bottom) / 2})`}>
        Krippendorff’s α
      </text>
      {series.map((line, index) => {
        const defined = line.points.map((point, round) => ({ point, round })).filter(({ point }) => typeof point?.alpha === 'number');
        const banded = line.points.map((point, round) => ({ point, round })).filter(({ point }) => point?.interval);
        const band =
          banded.length > 1
            ? [
                ...banded.map(({ point, round }) => `${x(round)},${y(point?.interval?.upper as number)}`),
                ...[...banded].reverse().map(({ point, round }) => `${x(round)},${y(point?.interval?.lower as number)}`),
              ].join(' ')
            : null;
        const last = defined.at(-1);
        return (
          <g key={line.id} data-code-id={line.id}>
            {band && <polygon points={band} fill={line.colour} fillOpacity={0.14} stroke="none" />}
            {banded.length === 1 && (
              <line
                x1={x(banded[0].round)}
                x2={x(banded[0].round)}
                y1={y(banded[0].point?.interval?.lower as number)}
                y2={y(banded[0].point?.interval?.upper as number)}
                stroke={line.colour}
                strokeOpacity={0.5}
                strokeWidth={6}
              />
            )}
            {defined.length > 1 && (
              <polyline
                points={defined.map(({ point, round }) => `${x(round)},${y(point?.alpha as number)}`).join(' ')}
                fill="none"
                stroke={line.colour}
                strokeWidth={2}
              />
            )}
            {defined.map(({ point, round }) => (
              <Marker key={round} shape={markers[index % markers.length]} x={x(round)} y={y(point?.alpha as number)} colour={line.colour} />
            ))}
            {last && (
              <text x={right + 10} y={labelY.get(line.id)} fill={ink}>
                {clip(line.name, 16)} {formatStatistic(last.point?.alpha)}
              </text>
            )}
          </g>
        );
      })}
    </ChartFrame>
  );
}
