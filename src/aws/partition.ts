/** The AWS partitions stsenv knows: credentials from one work in every region of it. */
export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn';

/** The partition of a region (cn-*, us-gov-*), else of an ARN (arn:aws-cn:...), else aws. */
export function partitionOf(region: string | undefined, arn?: string): Partition {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  if (region) return 'aws';
  const fromArn = arn?.split(':')[1];
  return fromArn === 'aws-cn' || fromArn === 'aws-us-gov' ? fromArn : 'aws';
}
