import escapeHtml from 'escape-html';
import type { IncidentState, TeamNotice } from './incident-throttle.js';
import type { LoginSummary } from './login-summary.js';
import type { MailContent } from './user-mail.js';

/** A login shown as evidence in a team mail. */
export interface EvidenceLogin {
  eventId: string;
  userId: string;
  login: LoginSummary;
}

const TITLES: Record<IncidentState['kind'], string> = {
  brute_force: 'Brute force on an account',
  password_spray: 'Password spray from one address',
  credential_stuffing: 'Credential stuffing campaign',
  account_takeover: 'Account takeover suspected',
};

/**
 * One mail per incident for the security team: the first alert, or a digest when it keeps
 * growing. Grouped evidence (counts, accounts, addresses, reasons) and a few sample logins.
 */
export function renderTeamMail(
  incident: IncidentState,
  notice: TeamNotice,
  samples: readonly EvidenceLogin[],
): MailContent {
  const title = TITLES[incident.kind];
  const target =
    incident.kind === 'password_spray'
      ? `from ${incident.ips[0] ?? '?'}`
      : incident.kind === 'credential_stuffing'
        ? `on ${about(incident.userCount, incident.users.length)} accounts`
        : `on ${incident.users[0] ?? '?'}`;
  const subject = `[loginguard] ${notice === 'digest' ? 'Still growing: ' : ''}${title} (${incident.count} attempts)`;
  const facts: [string, string][] = [
    ['Incident', incident.key],
    ['Target', target],
    ['Attempts', String(incident.count)],
    ['First seen', new Date(incident.openedAt).toISOString()],
    ['Last seen', new Date(incident.lastAt).toISOString()],
    [
      'Accounts',
      `${about(incident.userCount, incident.users.length)}: ${incident.users.slice(0, 10).join(', ')}${more(incident.userCount, 10, incident.users.length)}`,
    ],
    [
      'Addresses',
      `${about(incident.ipCount, incident.ips.length)}: ${incident.ips.slice(0, 10).join(', ')}${more(incident.ipCount, 10, incident.ips.length)}`,
    ],
    [
      'Reasons',
      Object.entries(incident.reasons)
        .sort((a, b) => b[1] - a[1])
        .map(([code, n]) => `${code} ×${n}`)
        .join(', '),
    ],
  ];
  const sampleLines = samples.map(
    (s) =>
      `${s.login.when} | ${s.userId} | ${s.login.outcome} | ${s.login.where} | ${s.login.ip} | ${s.login.device}`,
  );
  const text = [
    `${title} ${target}${notice === 'digest' ? ' — it keeps growing' : ''}.`,
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    '',
    `Sample logins (${samples.length}):`,
    ...sampleLines.map((l) => `- ${l}`),
  ].join('\n');
  const html = `<!doctype html>
<html><body style="font-family:sans-serif">
<p><b>${escapeHtml(title)}</b> ${escapeHtml(target)}${notice === 'digest' ? ' &mdash; it keeps growing' : ''}.</p>
<table>
${facts.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n')}
</table>
<p>Sample logins (${samples.length}):</p>
<table border="1" cellpadding="3" style="border-collapse:collapse">
<tr><th>when</th><th>account</th><th>outcome</th><th>where</th><th>IP</th><th>device</th><th>user agent</th></tr>
${samples
  .map((s) =>
    [
      s.login.when,
      s.userId,
      s.login.outcome,
      s.login.where,
      s.login.ip,
      s.login.device,
      s.login.userAgent ?? '',
    ]
      .map((v) => `<td>${escapeHtml(v)}</td>`)
      .join(''),
  )
  .map((row) => `<tr>${row}</tr>`)
  .join('\n')}
</table>
</body></html>`;
  return { subject, text, html };
}

/** The team mail when a user answers "No, secure my account". */
export function renderReportedCompromiseMail(
  userId: string,
  eventId: string,
  login: LoginSummary,
): MailContent {
  const subject = '[loginguard] A user reported a sign-in that was not theirs';
  const facts: [string, string][] = [
    ['Account', userId],
    ['Login', eventId],
    ['When', login.when],
    ['Where', login.where],
    ['Device', login.device],
    ['IP address', login.ip],
    ['User agent', login.userAgent ?? ''],
  ];
  const lead =
    'The account owner answered "No, secure my account": the account is locked and the login is marked as an attack.';
  return {
    subject,
    text: [lead, '', ...facts.map(([k, v]) => `${k}: ${v}`)].join('\n'),
    html: `<!doctype html>\n<html><body style="font-family:sans-serif">\n<p>${escapeHtml(lead)}</p>\n<table>\n${facts
      .map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
      .join('\n')}\n</table>\n</body></html>`,
  };
}

function more(total: number, shown: number, listed: number): string {
  return total > shown ? `, and ${total > listed ? 'about ' : ''}${total - shown} more` : '';
}

/** A count past the listed ones is an estimate (incident-throttle.ts): say so. */
function about(total: number, listed: number): string {
  return total > listed ? `about ${total}` : String(total);
}
