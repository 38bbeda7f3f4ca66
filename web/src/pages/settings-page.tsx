import type { ReactNode } from 'react';
import { Status } from '../components/status.js';
import type { AlertRuleView, SettingsView } from '../types.js';
import { useApi } from '../use-api.js';

/** Sections of the scoring config the page shows first, by name; the rest follow in config order. */
const FIRST = ['policy', 'lockout'];
const TITLES: Record<string, string> = {
  policy: 'Thresholds',
  lockout: 'Lockout',
  baseline: 'Baseline',
  travel: 'Impossible travel',
  location: 'Unfamiliar location',
  hours: 'Unusual hour',
  bruteForce: 'Brute force',
  spray: 'Password spray',
  stuffing: 'Credential stuffing',
  models: 'Anomaly models',
  behavior: 'Behavioural score',
};
/** Alert settings shown in the rules' own tables, not in the "timing" one. */
const ALERT_STRUCTURED = new Set(['enabled', 'rules', 'tenants', 'teamEmails', 'delivery']);

/** The running configuration, read-only: mode, thresholds, lockout, detectors, alert rules and delivery. */
export function SettingsPage(): ReactNode {
  const settings = useApi<SettingsView>('/v1/settings');
  const s = settings.data;
  return (
    <section className="page settings">
      <header className="page-head">
        <h1>Settings</h1>
        <span className="muted small">read-only: set in the config file and LOGINGUARD_* variables</span>
      </header>
      <Status loading={settings.loading && !s} error={settings.error}>
        {s && (
          <>
            <section className="panel">
              <h2>Mode</h2>
              <p className="mode">
                <span className={`badge mode-${s.mode}`}>{s.mode}</span>{' '}
                {s.mode === 'monitor'
                  ? 'Every login is allowed; assessments say what enforcement would have answered.'
                  : 'Logins are challenged, denied and locked out as the thresholds below say.'}
              </p>
            </section>
            <div className="two">
              {FIRST.map((name) => (
                <SettingsTable key={name} name={name} values={s.scoring[name] ?? {}} />
              ))}
            </div>
            <AlertRules settings={s} />
            <section className="panel">
              <h2>Alert delivery</h2>
              <table className="grid settings-table">
                <tbody>
                  <Row name="team addresses" value={s.alerts.teamEmails.join(', ') || '—'} />
                  <Row
                    name="mail"
                    value={s.alerts.delivery.smtp ?? 'written as .eml files (no SMTP server)'}
                  />
                  <Row name="mail from" value={s.alerts.delivery.mailFrom} />
                  <Row name="webhooks" value={s.alerts.delivery.webhooks.join(', ') || '—'} />
                  <Row
                    name="webhook signing secret"
                    value={s.alerts.delivery.webhookSecretSet ? 'set' : 'not set'}
                  />
                  <Row
                    name="mail link secret"
                    value={s.alerts.delivery.linkSecretSet ? 'set' : 'generated'}
                  />
                  {Object.entries(s.alerts)
                    .filter(([k]) => !ALERT_STRUCTURED.has(k))
                    .map(([k, v]) => (
                      <Row key={k} name={k} value={String(v)} />
                    ))}
                </tbody>
              </table>
            </section>
            <h2 className="section-title">Detectors</h2>
            <div className="settings-grid">
              {Object.entries(s.scoring)
                .filter(([name]) => !FIRST.includes(name))
                .map(([name, values]) => (
                  <SettingsTable key={name} name={name} values={values} />
                ))}
            </div>
          </>
        )}
      </Status>
    </section>
  );
}

function SettingsTable({
  name,
  values,
}: {
  name: string;
  values: Record<string, number | boolean | string>;
}): ReactNode {
  return (
    <section className="panel" aria-label={`${name} settings`}>
      <h2>
        {TITLES[name] ?? name} <code className="muted small">{name}</code>
      </h2>
      <table className="grid settings-table">
        <tbody>
          {Object.entries(values).map(([k, v]) => (
            <Row key={k} name={k} value={String(v)} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Row({ name, value }: { name: string; value: string }): ReactNode {
  return (
    <tr data-setting={name}>
      <th scope="row">
        <code>{name}</code>
      </th>
      <td>{value}</td>
    </tr>
  );
}

function AlertRules({ settings }: { settings: SettingsView }): ReactNode {
  const { alerts } = settings;
  const tenants = Object.entries(alerts.tenants);
  return (
    <section className="panel" aria-label="alert rules">
      <h2>
        Alert rules{' '}
        <span className="muted small">
          {alerts.enabled
            ? 'a login matching any condition of a rule notifies its channels'
            : 'alerting is off'}
        </span>
      </h2>
      <RulesTable rules={alerts.rules} />
      {tenants.map(([tenant, t]) => (
        <div key={tenant} className="tenant">
          <h3>
            Tenant <code>{tenant}</code>
            {t.disabled ? ' — no alert' : ''}
            {t.teamEmails?.length ? ` — team ${t.teamEmails.join(', ')}` : ''}
          </h3>
          {t.rules && <RulesTable rules={t.rules} />}
        </div>
      ))}
    </section>
  );
}

function RulesTable({ rules }: { rules: AlertRuleView[] }): ReactNode {
  if (rules.length === 0) return <p className="state empty">No rule: nothing is alerted.</p>;
  return (
    <table className="grid rules">
      <thead>
        <tr>
          <th>#</th>
          <th>when the action is</th>
          <th>or the level is at least</th>
          <th>or a reason is</th>
          <th>or the account was locked</th>
          <th>notify</th>
        </tr>
      </thead>
      <tbody>
        {rules.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rules have no id; their order is fixed
          <tr key={i}>
            <td>{i + 1}</td>
            <td>{r.actions?.join(', ') || '—'}</td>
            <td>{r.minLevel ?? '—'}</td>
            <td>{r.reasons?.join(', ') || '—'}</td>
            <td>{r.accountLocked ? 'yes' : '—'}</td>
            <td>{r.channels.join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
