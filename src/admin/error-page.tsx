import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { accessConfig } from "./access-jwt";
import { Document } from "./layout";

const TITLES: Record<number, string> = {
	400: "Check the form",
	401: "Sign-in required",
	403: "Access denied",
	404: "Not found",
	409: "Not possible right now",
	503: "Admin page not configured",
};

/**
 * The HTML error page for /admin (the admin branch of the one error mapper, src/http/errors.ts):
 * admins get a page they can read, never a SCIM JSON body.
 */
export function renderAdminError(
	c: Context,
	status: ContentfulStatusCode,
	message: string,
): Response | Promise<Response> {
	const nonce: string | undefined = c.get("secureHeadersNonce");
	const page = (
		<Document title={TITLES[status] ?? "Something went wrong"} nonce={nonce}>
			<p>{message}</p>
			{status === 401 && <SignInHelp access={accessConfig(c.env) !== null} />}
			{status !== 401 && (
				<p>
					<a href="/admin">Back to the admin page</a>
				</p>
			)}
		</Document>
	);
	c.header("Cache-Control", "no-store");
	return c.html(`<!DOCTYPE html>${page}`, status);
}

const SignInHelp = ({ access }: { access: boolean }) =>
	access ? (
		<p>This deployment signs admins in with Cloudflare Access: open the admin page again.</p>
	) : (
		<p>
			Team admins sign in with a login link, valid for 15 minutes and usable once. Ask your operator
			for one (<code>npm run admin-link -- &lt;teamId&gt; &lt;email&gt;</code>, or{" "}
			<code>POST /api/v1/admin-login-links</code>).
		</p>
	);
