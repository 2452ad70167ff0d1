import { createMiddleware } from "hono/factory";
import { html } from "hono/html";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { Hono } from "hono/tiny";
import { unwrap } from "../http/unwrap";
import { teamStub } from "../team/stub";
import { requireAdmin } from "./auth";
import { requireCsrfToken, sameOriginForms } from "./csrf";
import { handleAdminError } from "./errors";
import { Document } from "./layout";
import { SignedOutPage } from "./pages/sign-in";
import { authenticationRoutes } from "./routes/authentication";
import { keysRoutes } from "./routes/keys";
import { logRoutes } from "./routes/log";
import { membersRoutes } from "./routes/members";
import { signInRoutes } from "./routes/sign-in";
import { type AdminEnv, endSession, renderPage } from "./session";

/**
 * The team admin page (docs/architecture.md "Surfaces", docs/architecture.md "Code style"), mounted at /admin: server-rendered
 * with hono/jsx, usable without JavaScript. Reads come from the same db/* functions as the service
 * API; every write goes through the team's Durable Object with the admin as the actor. This file
 * wires the sub-apps of routes/, one per page, behind the shared headers, renderer and auth.
 */
export const adminApp = new Hono<AdminEnv>();

adminApp.onError(handleAdminError);

adminApp.use(
	"*",
	secureHeaders({
		contentSecurityPolicy: {
			defaultSrc: ["'none'"],
			styleSrc: [NONCE],
			scriptSrc: [NONCE],
			formAction: ["'self'"],
			frameAncestors: ["'none'"],
			baseUri: ["'none'"],
		},
		xFrameOptions: "DENY",
		// same-origin, not no-referrer: browsers then send a real Origin on form posts (no-referrer
		// makes it "null"), so the origin check does not rest on Sec-Fetch-Site alone.
		referrerPolicy: "same-origin",
		strictTransportSecurity: "max-age=31536000; includeSubDomains",
	}),
	createMiddleware<AdminEnv>(async (c, next) => {
		await next();
		// Pages carry tokens and member data: never cache them.
		c.header("Cache-Control", "no-store");
	}),
	sameOriginForms,
	// What hono/jsx-renderer's `jsxRenderer(layout, { docType: true })` does, without the streaming
	// renderer and client-side hono/jsx (DOM, hooks) that importing it bundles.
	createMiddleware<AdminEnv>(async (c, next) => {
		c.setRenderer((content) =>
			c.html(
				html`<!DOCTYPE html>${(
					<Document
						title={c.get("pageTitle") ?? "SCIM provisioning"}
						nonce={c.get("secureHeadersNonce")}
						admin={c.get("admin")}
						path={c.req.path}
					>
						{content}
					</Document>
				)}`,
			),
		);
		await next();
	}),
);

adminApp.route("/", signInRoutes);

// ── Everything below needs a signed-in team admin, and a CSRF token on every POST ──────────

adminApp.use("*", requireAdmin, requireCsrfToken);

adminApp.post("/logout", async (c) => {
	const { id, teamId, accountId, expiresAt } = c.var.admin;
	unwrap(
		await teamStub(c.env, teamId).endAdminSession({
			sessionId: id,
			accountId,
			expiresAt: new Date(expiresAt).toISOString(),
		}),
	);
	endSession(c);
	c.set("admin", undefined as never);
	return renderPage(c, "Signed out", <SignedOutPage />);
});

adminApp.route("/", authenticationRoutes);
adminApp.route("/", keysRoutes);
adminApp.route("/", membersRoutes);
adminApp.route("/", logRoutes);
