import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { logUnhandled, toScimError } from "../http/errors";
import type { ScimError } from "../scim/errors";
import { renderInviteError } from "./pages";

/** How an error of the public invite pages becomes its answer: a small HTML page. */
export function handleInviteError(error: Error, c: Context): Response | Promise<Response> {
	const scimError = toScimError(error);
	logUnhandled(c, scimError.status, error);
	return renderInviteError(
		c,
		scimError.status as ContentfulStatusCode,
		inviteErrorMessage(scimError),
	);
}

/** What the invitee reads: the reason for 403 (cross-site form) and 404; nothing internal. */
function inviteErrorMessage(error: ScimError): string {
	switch (error.status) {
		case 403:
			return "The form was sent from another site. Open the invite link again and accept there.";
		case 404:
			return "There is no page at this address. Check that you opened the whole invite link.";
		case 500:
			return "Please try again in a moment.";
		default:
			return error.detail;
	}
}
