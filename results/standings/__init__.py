"""
Tables derived from results, by subject:

- `athlete`: one athlete's page (results by discipline, podiums, rivals, the whole profile);
- `bests`: an athlete's personal and season bests, progression and barrier counts;
- `medals`: medal tables grouped by nation, athlete or championship;
- `lists`: all-time and season lists of a discipline (performers, performances, the best
  mark's progression);
- `events`: an event's result list, a competition's podiums, a championship's winners.

Tables about one athlete take the athlete's results, fetched once, and work in Python: an
athlete has hundreds of results at most, so one query and a loop beat many small queries.
Tables about the whole archive aggregate in SQL, because they run over millions of rows.
The rules they apply (which mark is better, what is a medal, which marks are legal) are on
the models (`results.models`), never written here.
"""
