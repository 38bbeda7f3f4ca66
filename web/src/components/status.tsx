import type { ReactNode } from 'react';

/** The loading, error and empty states every page shows the same way. */
export function Status(props: {
  loading?: boolean;
  error?: Error | undefined;
  empty?: boolean;
  emptyText?: string;
  children?: ReactNode;
}): ReactNode {
  if (props.error) {
    return (
      <p className="state error" role="alert">
        {props.error.message}
      </p>
    );
  }
  if (props.loading) return <p className="state loading">Loading…</p>;
  if (props.empty) return <p className="state empty">{props.emptyText ?? 'Nothing here yet.'}</p>;
  return props.children ?? null;
}
