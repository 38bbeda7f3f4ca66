import { geoGraticule10, geoNaturalEarth1, geoPath } from 'd3-geo';
import type { FeatureCollection } from 'geojson';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countriesTopo from 'world-atlas/countries-110m.json';
import { api, query } from '../api-client.js';
import { Status } from '../components/status.js';
import type { Assessment, Page, RiskLevel } from '../types.js';
import { useApi } from '../use-api.js';
import { hrefOf } from '../use-hash-route.js';

const WIDTH = 960;
const HEIGHT = 500;
const LEVEL_COLOURS: Record<RiskLevel, string> = {
  low: '#4c8dd6',
  medium: '#e0a526',
  high: '#f07c35',
  critical: '#e5484d',
};
/** Arcs drawn at most: one request each (the previous place of the user). */
const MAX_ARCS = 40;

const topology = countriesTopo as unknown as Topology<{ countries: GeometryCollection }>;
const land = feature(topology, topology.objects.countries) as FeatureCollection;
const projection = geoNaturalEarth1().fitSize([WIDTH, HEIGHT], { type: 'Sphere' });
const path = geoPath(projection);

interface Arc {
  eventId: string;
  userId: string;
  from: [number, number];
  to: [number, number];
}

/** Latest logins on a world map coloured by risk; impossible-travel pairs as arcs (bundled map, no tiles). */
export function MapPage(): ReactNode {
  const latest = useApi<Page<Assessment>>(`/v1/assessments${query({ limit: 1000 })}`);
  const travel = useApi<Page<Assessment>>(
    `/v1/assessments${query({ reason: 'IMPOSSIBLE_TRAVEL', limit: MAX_ARCS })}`,
  );
  const arcs = useTravelArcs(travel.data?.items);
  const points = useMemo(
    () =>
      (latest.data?.items ?? [])
        .filter((a) => a.context.lat !== undefined && a.context.lon !== undefined)
        // Low risk first, so the risky ones are drawn on top.
        .sort((a, b) => a.riskScore - b.riskScore),
    [latest.data],
  );

  return (
    <section className="page map">
      <header className="page-head">
        <h1>Map</h1>
        <span className="muted">
          latest {latest.data?.items.length ?? 0} logins ({points.length} located) · {arcs.length}{' '}
          impossible-travel arcs
        </span>
      </header>
      <Status loading={latest.loading && !latest.data} error={latest.error ?? travel.error}>
        <svg
          className="world"
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          role="img"
          aria-label="logins on a world map"
        >
          <path className="sphere" d={path({ type: 'Sphere' }) ?? ''} />
          <path className="graticule" d={path(geoGraticule10()) ?? ''} />
          {land.features.map((f, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the atlas order is fixed
            <path key={i} className="land" d={path(f) ?? ''} />
          ))}
          {points.map((a) => {
            const xy = projection([a.context.lon as number, a.context.lat as number]);
            if (!xy) return null;
            return (
              <a key={a.eventId} href={hrefOf('users', a.userId)}>
                <circle
                  cx={xy[0]}
                  cy={xy[1]}
                  r={a.riskLevel === 'low' ? 2 : 3.5}
                  fill={LEVEL_COLOURS[a.riskLevel]}
                >
                  <title>{`${a.userId} · ${a.context.city ?? ''} ${a.context.country ?? ''} · ${a.action} ${a.riskScore.toFixed(2)}`}</title>
                </circle>
              </a>
            );
          })}
          {arcs.map((arc) => (
            <a key={arc.eventId} href={hrefOf('users', arc.userId)}>
              <path className="arc" d={path({ type: 'LineString', coordinates: [arc.from, arc.to] }) ?? ''}>
                <title>{`${arc.userId}: impossible travel`}</title>
              </path>
            </a>
          ))}
        </svg>
        <p className="legend">
          {(Object.keys(LEVEL_COLOURS) as RiskLevel[]).map((l) => (
            <span key={l}>
              <span className="swatch" style={{ background: LEVEL_COLOURS[l] }} /> {l}
            </span>
          ))}
          <span>
            <span className="swatch arc-swatch" /> impossible travel (previous place → new one)
          </span>
        </p>
      </Status>
    </section>
  );
}

/**
 * For each impossible-travel login, the place it was compared with: the user's latest earlier
 * located login from the city the reason names (else their latest located one).
 */
function useTravelArcs(items: Assessment[] | undefined): Arc[] {
  const [arcs, setArcs] = useState<Arc[]>([]);
  useEffect(() => {
    if (!items) return;
    let live = true;
    Promise.all(
      items.map(async (a): Promise<Arc | undefined> => {
        if (a.context.lat === undefined || a.context.lon === undefined) return undefined;
        const before = await api<Page<Assessment>>(
          `/v1/assessments${query({ userId: a.userId, to: Date.parse(a.timestamp), limit: 20 })}`,
        );
        const message = a.reasons.find((r) => r.code === 'IMPOSSIBLE_TRAVEL')?.message ?? '';
        const located = before.items.filter(
          (b) => b.context.lat !== undefined && b.context.lon !== undefined,
        );
        const prev = located.find((b) => b.context.city && message.includes(b.context.city)) ?? located[0];
        if (!prev) return undefined;
        return {
          eventId: a.eventId,
          userId: a.userId,
          from: [prev.context.lon as number, prev.context.lat as number],
          to: [a.context.lon, a.context.lat],
        };
      }),
    )
      .then((found) => live && setArcs(found.filter((x): x is Arc => x !== undefined)))
      .catch(() => live && setArcs([]));
    return () => {
      live = false;
    };
  }, [items]);
  return arcs;
}
