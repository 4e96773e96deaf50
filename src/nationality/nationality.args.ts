import { ArgsType, Field, Int } from 'type-graphql';
import { DateScalar } from '../common/scalars';

/** Points a visaCountsHistory answers at most: the data set has 53 snapshots, and dated sources add a few days more. */
export const HISTORY_POINTS_MAX = 400;
export const HISTORY_POINTS_DEFAULT = 100;

@ArgsType()
export class VisaCountsHistoryArgs {
  @Field(() => DateScalar, { nullable: true, description: 'First day: the first point gives the counts in force on it. From the first rule when absent.' })
  from?: Date | null;
  @Field(() => DateScalar, { nullable: true, description: 'Last day (inclusive); today (UTC) when absent.' }) to?: Date | null;
  @Field(() => Int, {
    nullable: true,
    description: `Points at most: ${HISTORY_POINTS_DEFAULT} by default, at most ${HISTORY_POINTS_MAX}. To read on, ask again \`from\` the last point's date.`,
  })
  first?: number | null;
}
