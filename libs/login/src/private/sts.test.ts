import { parseAssumeRoleResponse, sessionName, stsEndpoint } from './sts';

const OK = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>alice-sub</SubjectFromWebIdentityToken>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
      <SecretAccessKey>secret/with+chars=</SecretAccessKey>
      <SessionToken>token&amp;more</SessionToken>
      <Expiration>2026-12-01T15:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>`;

describe('parseAssumeRoleResponse', () => {
  test('reads the credentials of a 200, entities decoded, expiration normalized', () => {
    expect(parseAssumeRoleResponse(200, OK)).toEqual({
      AccessKeyId: 'ASIAEXAMPLE',
      SecretAccessKey: 'secret/with+chars=',
      SessionToken: 'token&more',
      Expiration: '2026-12-01T15:00:00.000Z',
    });
  });

  test("STS's error code and message, printed escaped", () => {
    const body = `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>Incorrect token audience\x1b[31m</Message></Error></ErrorResponse>`;
    expect(() => parseAssumeRoleResponse(400, body)).toThrow(
      "AWS STS refused the stage's data-scientist role (InvalidIdentityToken: Incorrect token audience\\x1b[31m)",
    );
    expect(() => parseAssumeRoleResponse(503, 'Service Unavailable')).toThrow("AWS STS refused the stage's data-scientist role (HTTP 503)");
  });

  test('a 200 without complete credentials or with an invalid expiration is refused', () => {
    expect(() => parseAssumeRoleResponse(200, '<html>proxy login</html>')).toThrow(/without credentials/);
    expect(() => parseAssumeRoleResponse(200, OK.replace(/<SessionToken>.*<\/SessionToken>/, ''))).toThrow(/without credentials/);
    expect(() => parseAssumeRoleResponse(200, OK.replace('2026-12-01T15:00:00Z', 'soon'))).toThrow(/invalid Expiration "soon"/);
  });
});

test('STS endpoint: AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, then the regional endpoint', () => {
  expect(stsEndpoint({}, 'eu-west-1')).toBe('https://sts.eu-west-1.amazonaws.com/');
  expect(stsEndpoint({}, 'cn-north-1')).toBe('https://sts.cn-north-1.amazonaws.com.cn/');
  expect(stsEndpoint({ AWS_ENDPOINT_URL: 'http://localhost:5000' }, 'eu-west-1')).toBe('http://localhost:5000');
  expect(stsEndpoint({ AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_STS: 'http://b' }, 'eu-west-1')).toBe('http://b');
});

test('session name: the user, reduced to the characters and length STS allows', () => {
  expect(sessionName('alice@example.com')).toBe('alice@example.com');
  expect(sessionName('Alice Smith/ops')).toBe('Alice-Smith-ops');
  expect(sessionName('x'.repeat(100))).toHaveLength(64);
  expect(sessionName(undefined)).toBe('metaflow-login');
});
