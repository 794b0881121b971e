"""The legend sheets of the desk's workbooks: each tactic with one line on how to use it
lawfully, each deadline kind and status with what it asks of the desk (DOMAIN §1, §3)."""

from __future__ import annotations

# code -> (中文, English): how to use the tactic within the law and the collection guideline
TACTIC_USE = {
    "take_initiative": ("尽早、先于其他债权人联系债务人；08:00–22:00 之间联系",
                        "contact early, before other creditors; only between 08:00 and 22:00"),
    "build_rapport": ("以尊重和善意维系关系，不羞辱、不威胁",
                      "goodwill and respect; never shame or threaten"),
    "help_collect": ("协助债务人催回其应收账款，回款优先还贷",
                     "help the debtor collect its own receivables, paid to the loan first"),
    "give_advice": ("帮助规划经营或家庭收支，腾出还款资金",
                    "help plan the business or household budget to free cash"),
    "use_connections": ("经债务人同意，请其尊重的人从中沟通；不向无关第三方催收",
                        "with consent, through people the debtor respects; never collect from "
                        "unrelated third parties"),
    "multi_party": ("依法请家属、合伙人、村委会或单位参与协调，不泄露债务人信息",
                    "family, partners, village committee or employer help lawfully; disclose "
                    "nothing of the debtor's"),
    "team_visit": ("多人上门以示重视，文明有序，不聚众施压",
                   "a team visit shows weight; orderly and civil, never a crowd applying pressure"),
    "swap_collector": ("关系僵持时更换催收人员", "change the collector when the relation is stuck"),
    "good_cop_bad_cop": ("一人坚持原则、一人灵活沟通；不得威胁",
                         "one firm, one conciliatory; no threats"),
    "senior_visit": ("由行领导出面沟通", "a senior manager steps in"),
    "institutional": ("通过债务人所在组织或主管部门依法介入",
                      "the debtor's organisation or authorities intervene lawfully"),
    "info_capture": ("依法查找债务人下落、收入和财产线索",
                     "trace the debtor, income and assets by lawful means"),
    "firm_and_flexible": ("原则上坚持，还款条件上可灵活",
                          "firm on principle, flexible on terms"),
    "installments": ("约定分期还款，写明时间、方式、金额（三要素）并书面签字",
                     "agree a plan with time, method and amount (the three elements), signed"),
    "pursue_guarantor": ("在保证期间内向保证人书面主张并取得签收",
                         "demand the guarantor in writing within the guarantee period, signed for"),
    "collateral_pressure": ("依法处置或申请执行抵押物；在主债权诉讼时效内行使（民法典 419 条）",
                            "enforce on the collateral lawfully, within the claim's limitation "
                            "(Civil Code Art 419)"),
    "court_blacklist": ("仅通过法院的失信被执行人名单；银行自行公布“黑名单”违反个人信息保护法"
                        "第 25 条和民法典第 1024、1032 条",
                        "only the court's defaulter list; a bank's own list breaks PIPL Art 25 "
                        "and Civil Code Arts 1024, 1032"),
    "sue": ("起诉、申请支付令或财产保全，中断诉讼时效",
            "suit, payment order or preservation; it interrupts the limitation"),
}  # fmt: skip

KIND_USE = {
    "claim_limitation": ("诉讼时效 3 年（民法典 188 条），催收送达、还款、起诉等可中断",
                         "3 years (Civil Code Art 188); a delivered demand, a payment or a suit "
                         "interrupts it"),
    "guarantee_period": ("保证期间不中断、不延长；期内须向连带保证人主张或对债务人起诉",
                         "cannot be interrupted or extended; demand the joint guarantor or sue "
                         "the debtor within it"),
    "guarantee_limitation": ("保证债务诉讼时效 3 年，自向保证人主张之日（连带）起算",
                             "3 years, from the demand on a joint guarantor"),
    "enforcement": ("申请执行期间 2 年，自履行期限届满之日起算（民诉法 250 条）",
                    "2 years to apply for enforcement after the performance period (Civil "
                    "Procedure Law Art 250)"),
}  # fmt: skip

STATUS_USE = {
    "expired": ("已届满：保护已失去，寻找重新确认（签字、盖章、书面还款计划）",
                "protection lost: look for a revival (a signed notice, a written plan)"),
    "due": ("即将届满：在最迟办理日前办理", "due soon: act by the act-by date"),
    "ok": ("未到期", "running, not due soon"),
    "in_litigation": ("诉讼中：由律师跟进", "in litigation: the lawyer follows it"),
    "met": ("已保全：期内已主张或起诉", "met: demanded or sued within the period"),
    "not_started": ("未起算：一般保证人的时效尚未开始", "a general guarantor's limitation has not "
                    "started yet"),
}  # fmt: skip
