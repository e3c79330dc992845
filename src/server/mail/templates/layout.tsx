// The frame every mail shares, built with React Email components.

import { Body, Button, Container, Head, Heading, Hr, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

export function MailLayout(props: { preview: string; heading: string; children: ReactNode }) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={{ backgroundColor: "#f4f5f7", fontFamily: "Helvetica, Arial, sans-serif", margin: 0, padding: "24px 0" }}>
        <Container style={{ backgroundColor: "#ffffff", borderRadius: 8, padding: "32px", maxWidth: 520 }}>
          <Heading as="h1" style={{ fontSize: 22, color: "#111827", margin: "0 0 16px" }}>
            {props.heading}
          </Heading>
          {props.children}
          <Hr style={{ borderColor: "#e5e7eb", margin: "24px 0 12px" }} />
          <Text style={{ color: "#6b7280", fontSize: 12, margin: 0 }}>
            You receive this mail because this address was entered on our sign-up or log-in pages.
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

/** "Hello Ada," or, when the name is not the address owner's to give (unconfirmed), "Hello,". */
export function MailGreeting(props: { name: string | null }) {
  return <MailText>{props.name ? `Hello ${props.name},` : "Hello,"}</MailText>;
}

export function MailText(props: { children: ReactNode }) {
  return <Text style={{ color: "#374151", fontSize: 15, lineHeight: "22px" }}>{props.children}</Text>;
}

export function MailButton(props: { href: string; children: ReactNode }) {
  return (
    <Section style={{ margin: "20px 0" }}>
      <Button
        href={props.href}
        style={{ backgroundColor: "#2563eb", color: "#ffffff", borderRadius: 6, padding: "12px 20px", fontSize: 15, fontWeight: 600 }}
      >
        {props.children}
      </Button>
    </Section>
  );
}

/** The link again as text, for clients that do not show buttons. */
export function MailLinkFallback(props: { href: string }) {
  return <Text style={{ color: "#6b7280", fontSize: 13, wordBreak: "break-all" }}>Or open this link: {props.href}</Text>;
}
