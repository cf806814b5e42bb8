/** DI token of the EmbeddedCognito instance; null when the app runs against AWS. */
export const EMBEDDED_COGNITO = Symbol('EMBEDDED_COGNITO');
