import { copyFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";
import { api, createTeam, loginLink, origin, scim, screenshot, useChromium } from "./harness";

/**
 * Every admin page at a laptop's 1280 px and a phone's 390 px: each is screenshotted and fails
 * when the page itself scrolls sideways, or when a button, link or field sits off-screen. Along the way, the confirm steps of
 * Regenerate and Turn SCIM off are walked through as an admin would. With
 * UPDATE_DOCS_SCREENSHOTS=1 the keys page's screenshots are copied to docs/ for the README.
 */

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const DOCS = resolve(import.meta.dirname, "../../docs");

const browser = useChromium();
let teamId: string;
let adminEmail: string;
let token: string;

beforeAll(async () => {
	({ teamId, adminEmail } = await createTeam(
		"Initech Global Holdings",
		["saml"],
		"it-admin@initech.example",
	));
	await api("PUT", `/teams/${teamId}/scim`, { enabled: true });
	const key = await api<{ token: string }>("POST", `/teams/${teamId}/scim-keys`, {
		name: "Okta production",
	});
	token = key.token;
	const soon = new Date(Date.now() + 5 * 86_400_000).toISOString();
	await api("POST", `/teams/${teamId}/scim-keys`, { name: "Contractor sync", expiresAt: soon });
	const old = await api<{ id: string }>("POST", `/teams/${teamId}/scim-keys`, { name: "Old" });
	await api("DELETE", `/teams/${teamId}/scim-keys/${old.id}`);
	for (const [given, family] of [
		["Peter", "Gibbons"],
		["Samir", "Nagheenanajar"],
		["Milton", "Waddams"],
	] as const) {
		const email = `${given.toLowerCase()}.${family.toLowerCase()}@initech.example`;
		const res = await scim(token, "POST", "/Users", {
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
			userName: email,
			name: { givenName: given, familyName: family },
			emails: [{ value: email, primary: true, type: "work" }],
			[ENTERPRISE]: { department: "Software", employeeNumber: "1001" },
		});
		const user = (await res.json()) as { id: string };
		await scim(token, "PATCH", `/Users/${user.id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", path: `${ENTERPRISE}:department`, value: "Storage B" }],
		});
		// A refused write, whose log row names the person only by id.
		await scim(token, "PATCH", `/Users/${user.id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", path: "emails[type eq", value: "x" }],
		});
	}
});

// Runs in the page (the test project has no DOM types): the page's width against the window's,
// and the controls outside the window.
const FIT_SCRIPT = `(() => {
	const width = window.innerWidth;
	const offscreen = [...document.querySelectorAll("button, a, input, select, summary")]
		.filter((el) => {
			const r = el.getBoundingClientRect();
			return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5);
		})
		.map((el) => el.tagName.toLowerCase() + ' "' + (el.textContent || "").trim().slice(0, 40) + '"');
	return { scrollWidth: document.documentElement.scrollWidth, width, offscreen };
})()`;

/** Fails unless the page fits the viewport: no sideways scroll, no control out of reach. */
async function expectFits(page: Page, name: string): Promise<void> {
	const fit = (await page.evaluate(FIT_SCRIPT)) as {
		scrollWidth: number;
		width: number;
		offscreen: string[];
	};
	expect(
		fit.scrollWidth,
		`${name}: the page is ${fit.scrollWidth} px wide in a ${fit.width} px window`,
	).toBeLessThanOrEqual(fit.width);
	expect(fit.offscreen, `${name}: controls off-screen`).toEqual([]);
}

async function check(page: Page, width: number, name: string): Promise<string> {
	await page.waitForLoadState();
	await expectFits(page, `${name} at ${width} px`);
	return screenshot(page, `layout-${width}-${name}`);
}

describe.each([1280, 390])("every admin page at %i px", (width) => {
	test("fits the screen, from sign-in to sign-out", async () => {
		const context = await browser().newContext({ viewport: { width, height: 900 } });
		context.setDefaultTimeout(10_000);
		const page = await context.newPage();
		try {
			const nav = (label: string) =>
				page.getByRole("navigation").getByRole("link", { name: label, exact: true });
			const current = () => page.locator('nav a[aria-current="page"]').innerText();

			await page.goto(`${origin}/admin`);
			expect(await page.locator("h1").innerText()).toBe("Sign-in required");
			expect(await page.locator("main").innerText()).toContain("Team settings → Authentication");
			await check(page, width, "sign-in-required");

			await page.goto(await loginLink(teamId, adminEmail));
			await check(page, width, "sign-in");
			await page.getByRole("button", { name: "Sign in" }).click();
			await page.waitForURL(`${origin}/admin`);
			expect(await current()).toBe("Authentication");
			await check(page, width, "authentication");

			// Turning SCIM off starts with a page that says what stops; Cancel changes nothing.
			await page.getByRole("link", { name: "Turn SCIM off…" }).click();
			await page.waitForURL(`${origin}/admin/scim/off`);
			expect(await current()).toBe("Authentication");
			expect(await page.locator("main").innerText()).toContain("403 Forbidden");
			await check(page, width, "scim-off-confirm");
			await page.getByRole("link", { name: "Cancel" }).click();
			expect(await api("GET", `/teams/${teamId}`)).toMatchObject({ scimEnabled: true });

			await nav("SCIM keys").click();
			await page.waitForURL(`${origin}/admin/keys`);
			expect(await page.getByText("“Contractor sync” expires").isVisible()).toBe(true);
			expect(await page.locator("#old-keys").getAttribute("open")).toBeNull();
			const keysShot = await check(page, width, "keys");
			if (process.env.UPDATE_DOCS_SCREENSHOTS === "1") {
				copyFileSync(
					keysShot,
					resolve(DOCS, width === 390 ? "keys-page-phone.png" : "keys-page.png"),
				);
			}
			await page.locator("#old-keys summary").click();
			await check(page, width, "keys-old-open");

			// Regenerate without grace asks first; the admin takes the 1 hour instead.
			const okta = page.locator("tr", { hasText: "Okta production" }).first();
			expect(await okta.getByLabel("Grace").inputValue()).toBe("3600");
			await okta.getByLabel("Grace").selectOption("0");
			await okta.getByRole("button", { name: "Regenerate" }).click();
			await page.waitForURL(/\/regenerate$/);
			expect(await page.title()).toBe("Regenerate SCIM key · scim-edge");
			expect(await current()).toBe("SCIM keys");
			await check(page, width, "regenerate-confirm");
			expect((await scim(token, "GET", "/Users")).status).toBe(200);
			await page.getByRole("button", { name: "regenerate with 1 hour of grace" }).click();
			await page.waitForURL(/\/regenerate$/);
			expect(await page.title()).toBe("Regenerated SCIM key · scim-edge");
			expect(await current()).toBe("SCIM keys");
			await check(page, width, "regenerated");
			token = (await page.locator("#new-key").innerText()).trim();

			await nav("SCIM keys").click();
			await page.getByRole("link", { name: "Revoke…" }).first().click();
			await page.waitForURL(/\/revoke$/);
			expect(await current()).toBe("SCIM keys");
			await check(page, width, "revoke-confirm");

			await nav("Members").click();
			await page.waitForURL(`${origin}/admin/members`);
			await check(page, width, "members");
			await page.getByRole("link", { name: "Remove…" }).first().click();
			await page.waitForURL(/\/remove$/);
			expect(await current()).toBe("Members");
			await check(page, width, "remove-member-confirm");

			await nav("Provisioning log").click();
			await page.waitForURL(`${origin}/admin/log`);
			const main = await page.locator("main").innerText();
			expect(main).not.toContain("urn:ietf:params:scim:schemas:extension:enterprise");
			const refused = page.locator("tr", { hasText: "failure (400)" }).first();
			expect(await refused.innerText()).toContain("@initech.example");
			await check(page, width, "log");
			await refused.getByRole("link", { name: "Details" }).click();
			await page.waitForURL(/\/admin\/log\/\d+$/);
			expect(await current()).toBe("Provisioning log");
			expect(await page.locator("main").innerText()).toContain("@initech.example");
			await check(page, width, "log-event");

			const missing = await page.goto(`${origin}/admin/no-such-page`);
			expect(missing?.status()).toBe(404);
			await check(page, width, "not-found");

			await page.goto(`${origin}/admin`);
			await page.getByRole("button", { name: "Sign out" }).click();
			await page.waitForLoadState();
			expect(await page.locator("h1").innerText()).toBe("Signed out");
			await check(page, width, "signed-out");
		} finally {
			await context.close();
		}
	});
});
