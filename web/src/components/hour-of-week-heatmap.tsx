import { type ReactNode, useMemo } from 'react';
import { type ChartOption, EChart } from './echart.js';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const HOURS = Array.from({ length: 24 }, (_, h) => String(h));

/**
 * A 7 × 24 heat map of a user's logins by hour of the week (168 shares, Monday 00:00 first, in
 * the time zone the caller names), Monday on top as in a calendar.
 */
export function HourOfWeekHeatmap({ shares, timeZone }: { shares: number[]; timeZone: string }): ReactNode {
  const option = useMemo<ChartOption>(() => {
    const max = Math.max(...shares, 0);
    return {
      tooltip: {
        position: 'top',
        formatter: (p: { value: [number, number, number] }) =>
          `${DAYS[p.value[1]]} ${p.value[0]}:00–${p.value[0] + 1}:00 · ${(p.value[2] * 100).toFixed(1)}% of logins`,
      },
      grid: { left: 44, right: 16, top: 8, bottom: 56 },
      xAxis: {
        type: 'category',
        data: HOURS,
        name: `hour (${timeZone})`,
        nameLocation: 'middle',
        nameGap: 26,
        splitArea: { show: true },
      },
      yAxis: { type: 'category', data: DAYS, inverse: true, splitArea: { show: true } },
      visualMap: {
        min: 0,
        // An empty week still needs a scale; a share of 0 stays the darkest colour.
        max: max > 0 ? max : 1,
        show: false,
        inRange: { color: ['#1b222b', '#1f4e7a', '#5aa9ff', '#e0a526'] },
      },
      series: [
        {
          type: 'heatmap',
          data: shares.map((share, cell) => [cell % 24, Math.floor(cell / 24), share]),
          itemStyle: { borderColor: '#0f1318', borderWidth: 1 },
          emphasis: { itemStyle: { borderColor: '#fff' } },
        },
      ],
    };
  }, [shares, timeZone]);
  return <EChart option={option} height={240} label="share of logins by hour of week" />;
}
