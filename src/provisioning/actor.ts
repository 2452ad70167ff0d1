/** Who made a change, as the provisioning log records it. */
export interface Actor {
	type: "scim_key" | "admin" | "service" | "invitee";
	/** The SCIM key's id, or the admin's or invitee's account id; null for the service API. */
	id: string | null;
}
