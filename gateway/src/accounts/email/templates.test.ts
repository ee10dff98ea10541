import { describe, expect, it } from "vitest";
import * as templates from "./templates.ts";
import type { Brand } from "./templates.ts";

const BRAND: Brand = { title: "Drone <Fly> & Co", accent: "#0b5fc4", portalUrl: "https://developers.example.com", footer: "© DroneFly" };

describe("e-mail templates", () => {
  it("escape everything that reaches HTML, and keep the text readable", () => {
    const mail = templates.verifyEmail(BRAND, { name: '<img src=x onerror="alert(1)">', token: "abc" });
    expect(mail.html).not.toContain("<img");
    expect(mail.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(mail.html).toContain("Drone &lt;Fly&gt; &amp; Co");
    expect(mail.text).toContain('Hello <img src=x onerror="alert(1)">,');
    expect(mail.text).toContain("https://developers.example.com/verify?token=abc");
    expect(mail.subject).toBe("Confirm your e-mail address for Drone <Fly> & Co");
  });

  it("put each link on the portal's own pages", () => {
    expect(templates.passwordReset(BRAND, { token: "t1" }).text).toContain("https://developers.example.com/reset?token=t1");
    expect(templates.invitation(BRAND, { token: "t2" }).text).toContain("https://developers.example.com/invite?token=t2");
    expect(templates.emailChange(BRAND, { token: "t3" }).text).toContain("https://developers.example.com/verify?token=t3");
  });

  it("carry the reason of a decision, and each has its template name", () => {
    const events = ["submitted", "approved", "rejected", "suspended", "reactivated", "cancelled"] as const;
    for (const event of events) {
      const mail = templates.subscriptionMail(BRAND, event, { subscriptionName: "App", productTitle: "Premium", reason: "Because." });
      expect(mail.template).toBe(`subscription-${event}`);
      expect(mail.text).toContain("Reason: Because.");
      expect(mail.html).toContain("https://developers.example.com/account");
    }
  });

  it("take the accent colour from the theme only when it is a plain colour", () => {
    const catalog = { portal: { title: "T", footer: undefined }, theme: { tokens: { light: { accent: "red;background:url(x)" } } } };
    expect(templates.brandOf(catalog as never, "https://p.example/").accent).toBe("#2454d6");
    const ok = { portal: { title: "T" }, theme: { tokens: { light: { accent: "#abcdef" } } } };
    expect(templates.brandOf(ok as never, "https://p.example/")).toMatchObject({ accent: "#abcdef", portalUrl: "https://p.example" });
  });
});
