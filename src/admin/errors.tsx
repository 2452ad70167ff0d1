import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { logUnhandled } from "../http/errors";
import { ScimError } from "../scim/errors";
import { renderAdminError } from "./error-page";

/** How an error of the admin page becomes its answer: a small HTML page an admin can read. */
export function handleAdminError(error: Error, c: Context): Response | Promise<Response> {
	const { status, message } = adminError(error);
	logUnhandled(c, status, error);
	return renderAdminError(c, status, message);
}

/** Status and a message an admin can read; internal errors say nothing about their cause. */
function adminError(error: Error): { status: ContentfulStatusCode; message: string } {
	if (error instanceof ScimError) {
		return { status: error.status as ContentfulStatusCode, message: error.detail };
	}
	if (error instanceof HTTPException) {
		const fallback: Record<number, string> = {
			401: "Sign in to see this page.",
			403: "You are not allowed to do that.",
			404: "There is no such page.",
			413: "The form was too large.",
		};
		return {
			status: error.status as ContentfulStatusCode,
			message: error.message || fallback[error.status] || "The request was refused.",
		};
	}
	return { status: 500, message: "Something went wrong on our side. Try again in a moment." };
}
