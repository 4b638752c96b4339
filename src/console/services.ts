/**
 * `stsenv console --service NAME`: common services by the names people type
 * (the AWS CLI's service names, and a few everyday ones), each to its page
 * on the console. A name not here is tried as `NAME/home`, where most
 * services live; a path (with a slash) is taken as it is.
 */
const SERVICE_PATHS: Readonly<Record<string, string>> = {
  acm: 'acm/home',
  apigateway: 'apigateway/main',
  athena: 'athena/home',
  backup: 'backup/home',
  bedrock: 'bedrock/home',
  billing: 'billing/home',
  cloudformation: 'cloudformation/home',
  cloudfront: 'cloudfront/v4/home',
  cloudtrail: 'cloudtrail/home',
  cloudwatch: 'cloudwatch/home',
  codebuild: 'codesuite/codebuild/home',
  codecommit: 'codesuite/codecommit/home',
  codepipeline: 'codesuite/codepipeline/home',
  config: 'config/home',
  costexplorer: 'cost-management/home',
  dynamodb: 'dynamodbv2/home',
  ec2: 'ec2/home',
  ecr: 'ecr/home',
  ecs: 'ecs/v2/home',
  eks: 'eks/home',
  elasticache: 'elasticache/home',
  eventbridge: 'events/home',
  events: 'events/home',
  glue: 'glue/home',
  guardduty: 'guardduty/home',
  iam: 'iam/home',
  kinesis: 'kinesis/home',
  kms: 'kms/home',
  lambda: 'lambda/home',
  logs: 'cloudwatch/home#logsV2:log-groups',
  organizations: 'organizations/v2/home',
  rds: 'rds/home',
  redshift: 'redshiftv2/home',
  route53: 'route53/v2/home',
  s3: 's3/home',
  sagemaker: 'sagemaker/home',
  secretsmanager: 'secretsmanager/home',
  securityhub: 'securityhub/home',
  sns: 'sns/v3/home',
  sqs: 'sqs/v3/home',
  ssm: 'systems-manager/home',
  sso: 'singlesignon/home',
  stepfunctions: 'states/home',
  support: 'support/home',
  vpc: 'vpc/home',
  waf: 'wafv2/homev2',
};

/** The service names the table knows, for help and completion. */
export const SERVICE_NAMES = Object.keys(SERVICE_PATHS);

/** The console path for --service: the table's, a path as given, else NAME/home. */
export function servicePath(name: string): string {
  const key = name.trim().toLowerCase();
  if (Object.hasOwn(SERVICE_PATHS, key)) return SERVICE_PATHS[key]!;
  if (name.includes('/')) return name;
  return `${key}/home`;
}
