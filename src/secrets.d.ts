// Secrets are not in wrangler.toml, so `wrangler types` cannot see them; they are declared here
// by merging into the generated base of `Env`. Set them with `wrangler secret put NAME`
// (production) or in .dev.vars (local; `npm start` writes it).
interface __BaseEnv_Env {
	/** Bearer secret of the service API (/api/v1); at least 16 characters, or the API stays shut. */
	SERVICE_TOKEN?: string;
	/** Key that signs admin sessions and login links. */
	SESSION_SECRET?: string;
	/** Key that signs invite-mail webhook requests (README "Invites"); needed with MAIL_WEBHOOK_URL. */
	MAIL_WEBHOOK_SECRET?: string;
}
