import { Hono } from "hono/tiny";
import { adminApp } from "./admin/app";
import { handleAdminError } from "./admin/errors";
import { handleApiError } from "./api/errors";
import { serviceApi } from "./api/service-api";
import type { AppEnv } from "./env";
import { formBodyLimit } from "./http/body";
import { handleScimError } from "./http/errors";
import { scimThrottleKey, throttleUnauthorized } from "./http/middleware/auth-throttle";
import { dbMiddleware } from "./http/middleware/db";
import { securityHeaders } from "./http/middleware/security-headers";
import { routingPath, scimPathGate } from "./http/paths";
import { scimApp } from "./http/scim-app";
import { handleInviteError } from "./invites/errors";
import { invitesApp } from "./invites/routes";

import { scimErrors } from "./scim/errors";

export { TeamDO } from "./team/team-do";

const app = new Hono<AppEnv>({ getPath: routingPath });

app.use("*", securityHeaders);
app.use("*", dbMiddleware);
app.use("*", scimPathGate);
// SCIM and service API bodies are capped where they are read, after authentication
// (src/http/body.ts); the HTML forms are small, so their cap applies before any handler reads.
app.use("/admin/*", formBodyLimit);
app.use("/invites/*", formBodyLimit);
// Failed authentication, per client address (for SCIM, per address and key id), before the
// credential is looked up. "/admin/login/*" also matches "/admin/login" (the form post).
app.use("/scim/v2/*", throttleUnauthorized(handleScimError, scimThrottleKey));
app.use("/api/v1/*", throttleUnauthorized(handleApiError));
app.use("/admin/login/*", throttleUnauthorized(handleAdminError));
app.route("/scim/v2", scimApp);
app.route("/api/v1", serviceApi);
app.route("/invites", invitesApp);
app.route("/admin", adminApp);
app.get("/", (c) => c.text("scim-edge: SCIM 2.0 provisioning. SCIM base URL: /scim/v2"));
// Liveness, and how `npm start` tells scim-edge from another program on its port.
app.get("/healthz", (c) => c.json({ service: "scim-edge", status: "ok" }));

// Each surface maps its own errors (its sub-app's onError). These two catch what happens before
// a sub-app is reached (the middleware above, unknown paths) and hand it to the surface the path
// belongs to; anything else gets the SCIM format.
app.onError((error, c) => surfaceErrorHandler(c.req.path)(error, c));
app.notFound((c) => {
	const notFound = scimErrors.notFound(`No such endpoint: ${c.req.method} ${c.req.path}`);
	return surfaceErrorHandler(c.req.path)(notFound, c);
});

function surfaceErrorHandler(path: string) {
	if (path === "/admin" || path.startsWith("/admin/")) {
		return handleAdminError;
	}
	if (path === "/invites" || path.startsWith("/invites/")) {
		return handleInviteError;
	}
	if (path.startsWith("/api/")) {
		return handleApiError;
	}
	return handleScimError;
}

export default app;
