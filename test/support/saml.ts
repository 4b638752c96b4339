/** A SAML response as an identity provider posts it (unsigned: the fake STS checks no signature), base64. */
export function samlResponse(
  roles: ReadonlyArray<readonly [role: string, provider: string]>,
  sessionName = 'alice@example.com',
  options: { providerFirst?: boolean } = {},
): string {
  const values = roles
    .map(
      ([role, provider]) =>
        `<saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:string">${options.providerFirst ? `${provider},${role}` : `${role},${provider}`}</saml2:AttributeValue>`,
    )
    .join('');
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" Destination="https://signin.aws.amazon.com/saml" ID="id1" Version="2.0">' +
    '<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="id2" Version="2.0">' +
    '<saml2:AttributeStatement>' +
    `<saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${values}</saml2:Attribute>` +
    `<saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml2:AttributeValue>${sessionName}</saml2:AttributeValue></saml2:Attribute>` +
    '</saml2:AttributeStatement></saml2:Assertion></saml2p:Response>';
  return Buffer.from(xml).toString('base64');
}

export const SAML_PROVIDER = 'arn:aws:iam::123456789012:saml-provider/Okta';
