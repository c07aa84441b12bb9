/**
 * The shape an action returns: an ordered tree that renders as AWS Query XML or, when the client asks
 * for JSON, as AWS's JSON form of the same document.
 */

/** Renders as `<member>` children in XML and as an array in JSON. */
export type ResultList = readonly ResultValue[];

export interface ResultObject {
  readonly [element: string]: ResultValue;
}

/** Absent (undefined) elements are omitted. Dates are ISO 8601 in XML and epoch seconds in JSON. */
export type ResultValue = string | number | boolean | Date | ResultObject | ResultList | undefined;

export type AwsService = 'sts' | 'iam';

export const NAMESPACES: Readonly<Record<AwsService, string>> = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
};

export const API_VERSIONS: Readonly<Record<AwsService, string>> = {
  sts: '2011-06-15',
  iam: '2010-05-08',
};
