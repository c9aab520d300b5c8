/**
 * Legally required text for the consumer-regF profile. Kept in code, not in templates, so no template can reword
 * or drop it: the debt-collector disclosure (12 CFR 1006.18(e)) and a simple opt-out (1006.6(e)) go into every
 * email and SMS, in the language of the rest of the message (1006.18(e)(4)).
 */

export interface RegFNotices {
  emailDisclosure: string;
  emailOptOut: (sender: string, optOutUrl: string) => string;
  smsPrefix: (sender: string) => string;
  smsOptOut: string;
}

const notices: Record<string, RegFNotices> = {
  en: {
    emailDisclosure:
      'This communication is from a debt collector. This is an attempt to collect a debt and any information obtained will be used for that purpose.',
    emailOptOut: (sender, url) => `To stop receiving emails from ${sender} at this address, visit ${url} or reply to this email with the word STOP.`,
    smsPrefix: (sender) => `${sender}, a debt collector: `,
    // SMS notices stay within GSM-7 (no accents outside it) so they never force the whole message into UCS-2.
    smsOptOut: ' Reply STOP to opt out.',
  },
  es: {
    emailDisclosure:
      'Esta comunicación proviene de un cobrador de deudas. Se trata de un intento de cobrar una deuda y cualquier información obtenida se utilizará con ese fin.',
    emailOptOut: (sender, url) =>
      `Para dejar de recibir correos electrónicos de ${sender} en esta dirección, visite ${url} o responda a este correo con la palabra STOP.`,
    smsPrefix: (sender) => `${sender}, cobrador de deudas: `,
    smsOptOut: ' Responda STOP para darse de baja.',
  },
};

export const regFLocales: readonly string[] = Object.keys(notices);

/** Notices for a template locale ("es" for "es-MX"), or undefined when no vetted translation exists. */
export function regFNotices(locale: string): RegFNotices | undefined {
  return notices[locale] ?? notices[locale.split('-')[0] ?? ''];
}
