"""承诺书 (附件6): the applicant's seven obligations, word for word as the seed prints them.

Intake records them with the signature; reporting prints them on the paper form.  Seed 附件6,
lines 677–689, without the numbering and the closing ；/。.  ``{authority}`` is the seed's blank
before "政务服务局" together with that word: the service point's department fills it (区政务服务局,
or 工业园区管委会 for a park case).
"""

from __future__ import annotations

COMMITMENT_TITLE = "区本级“帮您办”代办帮办服务承诺书"
COMMITMENT_OBLIGATIONS = (
    "配合填写《帮您办代办帮办服务申请表》，编制项目申报计划，组织项目申报材料，在代办帮办服务窗口指导下进行有序申报",
    "联系、督促委托单位按要求及时对审查中提出的问题进行修改或补充材料",
    "因代办帮办工作需要，协助配合政务服务部门组织协调会",
    "及时办理各种缴费手续及其他申请人应履行的职责",
    "对项目涉及相关申报材料的真实合法性负责，并承担相应的法律责任",
    "在委托代办帮办事项完成、审批结果送达后，配合填写《帮您办代办帮办服务办结单》、《帮您办代办帮办服务评价表》",
    "因项目或事项本身不具备办理条件，或者申报材料有弄虚作假及其他违法违规情况的，在{authority}提出终止帮办代办服务时，"
    "配合填写《帮您办代办帮办服务终止单》，终止代办帮办服务",
)
# The 承诺书's opening line, its blank filled the same way.
COMMITMENT_PREAMBLE = "本单位向{authority}申请提供代办帮办服务，并承诺履行以下义务："


def commitment_text(authority: str) -> tuple[str, list[str]]:
    """The 承诺书 as signed for a case served by ``authority``: its preamble and seven obligations."""
    return (COMMITMENT_PREAMBLE.format(authority=authority),
            [o.format(authority=authority) for o in COMMITMENT_OBLIGATIONS])
