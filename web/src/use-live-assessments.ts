import { useEffect, useState } from 'react';
import type { Assessment } from './types.js';

/** How many streamed assessments the page keeps. */
const KEEP = 100;

/** The stream's state: the latest assessments (newest first), how many arrived, whether it is connected. */
export interface LiveAssessments {
  items: Assessment[];
  received: number;
  connected: boolean;
}

/** Assessments as the server commits them (`GET /v1/stream`, server-sent events, cookie-authenticated). */
export function useLiveAssessments(): LiveAssessments {
  const [state, setState] = useState<LiveAssessments>({ items: [], received: 0, connected: false });
  useEffect(() => {
    const source = new EventSource('/v1/stream');
    source.onopen = () => setState((s) => ({ ...s, connected: true }));
    source.onerror = () => setState((s) => ({ ...s, connected: false }));
    source.addEventListener('assessments', (e) => {
      const { count, items } = JSON.parse((e as MessageEvent<string>).data) as {
        count: number;
        items: Assessment[];
      };
      setState((s) => ({
        connected: true,
        received: s.received + count,
        items: [...items.reverse(), ...s.items].slice(0, KEEP),
      }));
    });
    return () => source.close();
  }, []);
  return state;
}
