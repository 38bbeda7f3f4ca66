import escapeHtml from 'escape-html';
import type { LoginOutcome, LoginSummary } from './login-summary.js';

/** The end of the mail's first sentence, "…and we ___.", for each outcome. */
const WE_DID: Record<LoginOutcome, string> = {
  blocked: 'blocked it',
  'asked for a second verification': 'asked for a second verification',
  allowed: 'allowed it',
};

/** A rendered mail: subject, text part and HTML part. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** What a "was this you?" mail says and links to. */
export interface UserMailInput {
  userId: string;
  login: LoginSummary;
  /** Landing page of "Yes, it was me". */
  confirmUrl: string;
  /** Landing page of "No, secure my account". */
  secureUrl: string;
  /** When the links stop working (epoch ms). */
  expiresAt: number;
}

/**
 * The "was this you?" mail to the account owner: what happened in plain words and the two links.
 * The subject carries nothing the attacker chose; the HTML part escapes every field.
 */
export function renderUserMail(input: UserMailInput): MailContent {
  const { login } = input;
  const expires = new Date(input.expiresAt).toISOString().replace('T', ' ').slice(0, 16);
  const facts: [string, string][] = [
    ['Account', input.userId],
    ['When', login.when],
    ['Where', login.where],
    ['Device', login.device],
    ['IP address', login.ip],
    ...(login.userAgent ? ([['Browser', login.userAgent]] as [string, string][]) : []),
  ];
  const subject =
    login.outcome === 'blocked'
      ? 'Was this you? We blocked a sign-in to your account'
      : 'Was this you? A sign-in to your account needed checking';
  const lead = `Someone tried to sign in to your account, and we ${WE_DID[login.outcome]}.`;
  const advice = adviceFor(login);
  const text = [
    lead,
    ...(advice ? [advice] : []),
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    ...(login.reasons.length > 0
      ? ['', 'Why it looked unusual:', ...login.reasons.map((r) => `- ${r}`)]
      : []),
    '',
    `Yes, it was me: ${input.confirmUrl}`,
    `No, secure my account: ${input.secureUrl}`,
    '',
    `These links work once, until ${expires} UTC. If it was not you, choose "No": we lock the account and tell the security team.`,
  ].join('\n');
  const html = `<!doctype html>
<html><body style="font-family:sans-serif;max-width:40em">
<p>${escapeHtml(lead)}</p>
${advice ? `<p><strong>${escapeHtml(advice)}</strong></p>\n` : ''}<table>
${facts.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n')}
</table>
${
  login.reasons.length > 0
    ? `<p>Why it looked unusual:</p>\n<ul>\n${login.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('\n')}\n</ul>`
    : ''
}
<p><a href="${escapeHtml(input.confirmUrl)}">Yes, it was me</a> &nbsp; <a href="${escapeHtml(input.secureUrl)}">No, secure my account</a></p>
<p style="color:#666">These links work once, until ${escapeHtml(expires)} UTC. If it was not you, choose &ldquo;No&rdquo;: we lock the account and tell the security team.</p>
</body></html>`;
  return { subject, text, html };
}

/** What the owner should know first: whether the password was right, whether the account is locked. */
function adviceFor(login: LoginSummary): string | undefined {
  if (login.passwordCorrect === true)
    return 'The right password was used. If this was not you, change your password now, and anywhere else you use it.';
  if (login.passwordCorrect === false && login.accountLocked)
    return 'The password was wrong; after repeated attempts your account is locked for now.';
  if (login.accountLocked) return 'Your account is locked for now.';
  return undefined;
}
