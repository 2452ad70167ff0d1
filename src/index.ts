import { Hono } from "hono";
import { adminApp } from "./admin/app";
import { serviceApi } from "./api/service-api";
import type { AppEnv } from "./env";
import { formBodyLimit } from "./http/body";
import { handleError, handleNotFound } from "./http/errors";
import { throttleUnauthorized } from "./http/middleware/auth-throttle";
import { dbMiddleware } from "./http/middleware/db";
import { securityHeaders } from "./http/middleware/security-headers";
import { routingPath, scimPathGate } from "./http/paths";
import { scimApp } from "./http/scim-app";
import { invitesApp } from "./invites/routes";

export { TeamDO } from "./team/team-do";

const app = new Hono<AppEnv>({ getPath: routingPath });

app.use("*", securityHeaders);
app.use("*", dbMiddleware);
app.use("*", scimPathGate);
// SCIM and service API bodies are capped where they are read, after authentication
// (src/http/body.ts); the HTML forms are small, so their cap applies before any handler reads.
app.use("/admin/*", formBodyLimit);
app.use("/invites/*", formBodyLimit);
// Failed authentication, per client address, before the credential is looked up.
// "/admin/login/*" also matches "/admin/login" (the form post).
for (const path of ["/scim/v2/*", "/api/v1/*", "/admin/login/*"]) {
	app.use(path, throttleUnauthorized);
}
app.route("/scim/v2", scimApp);
app.route("/api/v1", serviceApi);
app.route("/invites", invitesApp);
app.route("/admin", adminApp);
app.get("/", (c) => c.text("scim-edge: SCIM 2.0 provisioning. SCIM base URL: /scim/v2"));
// Liveness, and how `npm start` tells scim-edge from another program on its port.
app.get("/healthz", (c) => c.json({ service: "scim-edge", status: "ok" }));

app.onError(handleError);
app.notFound(handleNotFound);

export default app;
