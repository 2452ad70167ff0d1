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
		<>
			<p>
				This admin page signs you in with your company's single sign-on (Cloudflare Access). Open it
				again from your product's team settings (Team settings → Authentication → SCIM provisioning)
				and sign in with your work account.
			</p>
			<p>
				Still here? Ask whoever manages your company's single sign-on to give you access to this
				page, and check that you are an admin of the team in the product.
			</p>
		</>
	) : (
		<>
			<p>
				Team admins open this page from the product: go to your team's settings (Team settings →
				Authentication → SCIM provisioning) to get a sign-in link. Each link works once, for 15
				minutes; your session then lasts 8 hours.
			</p>
			<p>
				No link there? Ask another admin of your team, or your product's support, to send you one.
			</p>
		</>
	);
