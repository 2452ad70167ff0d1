import { DurableObject } from "cloudflare:workers";
export class TeamDO extends DurableObject<Env> {
	async ping(): Promise<string> {
		return "pong";
	}
}
