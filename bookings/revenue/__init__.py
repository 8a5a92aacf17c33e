"""Revenue and dividends: the platform's commission, the village collectives' share (村集体分红) and
the owners' earnings, recorded in the ledger (``bookings.ledger``) and reported from it.

When money is recognised:

* A payment applied to its booking (online, or recorded by the owner at the homestay) is earned at
  once and split by the village's ``RevenueShareRule`` in effect on the Beijing date the booking was
  made (``rules``): platform commission and collective share rounded half up, the owner the remainder
  (``split``). A payment the booking could not take is refunded and earns nothing.
* A cancellation (or an expired paid request) keeps ``paid − refund_due``, the cancellation fee: the
  split is reversed and the fee split by the same rule (``postings``). Refunds themselves move cash
  only; the guest account shows what is still to be refunded.
* The group pays each collective its share per period (``DividendPayout``), one ledger posting each.

Reports (``selectors``) count a booking in the period and month of its arrival (check-in) date;
room-nights, occupancy, ADR and RevPAR count each night on its own date.
"""
