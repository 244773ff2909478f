import { decodeQuery, queryError, toXml } from '../../../src/adapters/sim/wire';

describe('AWS Query wire format', () => {
  it('decodes member lists and nested structures', () => {
    const body =
      'Action=ModifyListener&Version=2015-12-01&ListenerArn=arn%3Al' +
      '&DefaultActions.member.1.Type=forward' +
      '&DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=a&DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight=0' +
      '&DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn=b&DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight=100' +
      '&Names.member.1=x&Names.member.2=y';
    expect(decodeQuery(body)).toEqual({
      Action: 'ModifyListener',
      Version: '2015-12-01',
      ListenerArn: 'arn:l',
      DefaultActions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: 'a', Weight: '0' },
              { TargetGroupArn: 'b', Weight: '100' },
            ],
          },
        },
      ],
      Names: ['x', 'y'],
    });
  });

  it('writes lists as <member> elements and escapes text', () => {
    expect(toXml({ Names: ['a&b', 'c'], When: new Date(0), Flag: false, Skip: undefined })).toBe(
      '<Names><member>a&amp;b</member><member>c</member></Names><When>1970-01-01T00:00:00.000Z</When><Flag>false</Flag>',
    );
    expect(queryError('ns', 'Sender', 'Throttling', 'Rate <exceeded>', 'r1')).toContain('<Code>Throttling</Code><Message>Rate &lt;exceeded&gt;</Message>');
  });
});
