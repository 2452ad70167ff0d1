import { EmailMessage } from "cloudflare:email";
import { buildPlainTextEmail } from "./mime";
import { signatureHeaders } from "./signature";

/**
 * How invite emails leave the service, in order of preference:
 * - `webhook`: JSON POST to MAIL_WEBHOOK_URL, signed with MAIL_WEBHOOK_SECRET (see signature.ts);
 * - `send_email`: Cloudflare's send_email binding EMAIL, from MAIL_FROM, as a raw MIME message;
 * - `log`: neither configured (local dev): the accept link goes to the log and counts as sent.
 */
export type DeliveryMode = "webhook" | "send_email" | "log";

export interface MailConfig {
	webhookUrl: string | null;
	webhookSecret: string | null;
	sender: SendEmail | null;
	from: string | null;
}

/** One email as the outbox hands it over. `id` is stable across retries: receivers dedupe on it. */
export interface OutgoingEmail {
	id: string;
	teamId: string;
	to: string;
	subject: string;
	text: string;
	inviteUrl: string | null;
}

export type DeliveryOutcome = { ok: true } | { ok: false; error: string };

export const WEBHOOK_TIMEOUT_MS = 10_000;

// Optional settings: wrangler types only knows what wrangler.toml declares, and these are set by
// the deployer (vars, `wrangler secret put`, a [[send_email]] binding) or not at all.
interface OptionalMailEnv {
	MAIL_WEBHOOK_URL?: string;
	MAIL_WEBHOOK_SECRET?: string;
	MAIL_FROM?: string;
	EMAIL?: SendEmail;
}

/** The mail settings of this deployment; empty strings count as unset. */
export function mailConfig(env: Env): MailConfig {
	const mail = env as Env & OptionalMailEnv;
	return {
		webhookUrl: mail.MAIL_WEBHOOK_URL || null,
		webhookSecret: mail.MAIL_WEBHOOK_SECRET || null,
		sender: mail.EMAIL ?? null,
		from: mail.MAIL_FROM || null,
	};
}

/** Which transport `deliverEmail` uses. `log` is local dev: admin pages may then show links. */
export function deliveryMode(config: MailConfig): DeliveryMode {
	if (config.webhookUrl) {
		return "webhook";
	}
	return config.sender ? "send_email" : "log";
}

/** Hands one email to the configured transport. Never throws: a failure is an outcome to retry. */
export async function deliverEmail(
	config: MailConfig,
	email: OutgoingEmail,
	nowMs = Date.now(),
): Promise<DeliveryOutcome> {
	try {
		switch (deliveryMode(config)) {
			case "webhook":
				return await postWebhook(config, email, nowMs);
			case "send_email":
				return await sendWithBinding(config, email, nowMs);
			case "log":
				// Never the link: it holds the invite's token, and logs are kept. In this mode the
				// admin page's Members tab shows the link instead, for the admin to pass on by hand.
				console.log(
					`[scim-edge] invite email to ${email.to} not sent: no mail transport is configured; its link is on the admin page (Members).`,
				);
				return { ok: true };
		}
	} catch (error) {
		return { ok: false, error: describe(error) };
	}
}

async function postWebhook(
	config: MailConfig,
	email: OutgoingEmail,
	nowMs: number,
): Promise<DeliveryOutcome> {
	if (!config.webhookUrl || !config.webhookSecret) {
		return { ok: false, error: "MAIL_WEBHOOK_URL is set but MAIL_WEBHOOK_SECRET is not." };
	}
	const body = JSON.stringify({
		id: email.id,
		to: email.to,
		subject: email.subject,
		text: email.text,
		...(email.inviteUrl ? { inviteUrl: email.inviteUrl } : {}),
		teamId: email.teamId,
	});
	// A timer cleared once the answer is in, unlike AbortSignal.timeout(), whose pending timer
	// keeps the object's event alive for the whole timeout after a fast answer.
	const abort = new AbortController();
	const timer = setTimeout(
		() => abort.abort(new Error(`No answer within ${WEBHOOK_TIMEOUT_MS} ms`)),
		WEBHOOK_TIMEOUT_MS,
	);
	try {
		const res = await fetch(config.webhookUrl, {
			method: "POST",
			headers: {
				"Content-Type": "application/json",
				"Idempotency-Key": email.id,
				...(await signatureHeaders(config.webhookSecret, body, nowMs)),
			},
			body,
			// A redirect would send the signed body somewhere nobody configured.
			redirect: "manual",
			signal: abort.signal,
		});
		if (res.ok) {
			await res.body?.cancel();
			return { ok: true };
		}
		const detail = (await res.text().catch(() => "")).slice(0, 200);
		return { ok: false, error: `Webhook answered ${res.status}${detail ? `: ${detail}` : ""}` };
	} finally {
		clearTimeout(timer);
	}
}

async function sendWithBinding(
	config: MailConfig,
	email: OutgoingEmail,
	nowMs: number,
): Promise<DeliveryOutcome> {
	if (!config.sender || !config.from) {
		return { ok: false, error: "The EMAIL binding is bound but MAIL_FROM is not set." };
	}
	const domain = config.from.slice(config.from.lastIndexOf("@") + 1);
	const raw = buildPlainTextEmail({
		from: config.from,
		to: email.to,
		subject: email.subject,
		text: email.text,
		messageId: `${email.id}@${domain}`,
		date: new Date(nowMs),
	});
	await config.sender.send(new EmailMessage(config.from, email.to, raw));
	return { ok: true };
}

function describe(error: unknown): string {
	const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
	return message.slice(0, 500);
}
